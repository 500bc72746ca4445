package dev.lattice.cli;

import dev.lattice.sync.SyncClient;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncListener;
import dev.lattice.sync.SyncStatus;
import dev.lattice.sync.join.JoinedDevice;
import dev.lattice.sync.session.SyncReport;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The sync {@code lattice join} runs once the server accepted the device: the first device makes the space's key and
 * uploads its rows; a later one takes the space's key and tables and downloads. A failure here does not undo the join:
 * the credentials are kept, and the message says to run {@code lattice sync}.
 */
final class FirstSync {
  private FirstSync() {}

  /** Syncs {@code database} once with the space it joined as {@code device}; the caller clears {@code encryption}. */
  static SyncReport run(Path database, JoinedDevice device, Encryption encryption, PrintWriter err) {
    try (ReplicaStore store = ReplicaStore.open(Databases.url(database), encryption);
        Progress progress = Progress.on(err, "sync");
        SyncClient client = SyncClient.builder(store, device.spaceUri()).bearerToken(device.token()).build()) {
      client.addListener(new SyncListener() {
        @Override
        public void statusChanged(SyncStatus status) {
          if (status.progress() != null) {
            progress.update(status.progress().workDone(), status.progress().workTotal(), "writes");
          }
        }
      });
      return client.syncNow();
    } catch (SyncException | SQLException | RuntimeException e) {
      throw new CommandFailure("joined " + database + " to space " + device.spaceId() + " as device "
          + device.deviceId() + ", but its first sync failed: " + reason(e) + ". The credentials are kept: run"
          + " lattice sync " + database + " once that is fixed");
    }
  }

  private static String reason(Exception e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
  }
}
