package dev.lattice.sync.auto;

import dev.lattice.driver.sync.AutoSyncListener;
import dev.lattice.driver.sync.AutoSyncProvider;
import dev.lattice.driver.sync.AutoSyncSession;
import dev.lattice.driver.sync.AutoSyncStatus;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.join.CredentialsFile;
import dev.lattice.sync.join.JoinedDevice;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's background sync ({@code lattice.sync=auto}), found by {@link java.util.ServiceLoader}: a
 * {@link SyncClient} of the space the database joined ({@link CredentialsFile}), on a connection of its own. Anything
 * that keeps it from starting (not joined, no passphrase, a copied database) is an error status, not an exception:
 * the application keeps working on its local data.
 */
public final class ClientAutoSync implements AutoSyncProvider {
  private static final Logger LOG = LoggerFactory.getLogger(ClientAutoSync.class);

  /** Public for {@link java.util.ServiceLoader}. */
  public ClientAutoSync() {}

  @Override
  public AutoSyncSession start(Path database, char[] passphrase, AutoSyncListener events) {
    Optional<JoinedDevice> joined;
    try {
      joined = CredentialsFile.read(database);
    } catch (IOException e) {
      return failed(e.getMessage(), events);
    }
    if (joined.isEmpty()) {
      return failed(database + " has not joined a space: lattice join " + database + " <server-url> --invite ..."
          + " (or --code from lattice pair)", events);
    }
    if (passphrase == null) {
      return failed("no passphrase for " + database + "'s space: set LATTICE_PASSPHRASE, the lattice.passphraseFile"
          + " option, or register a PassphraseProvider (AutoSync.setPassphraseProvider)", events);
    }
    JoinedDevice device = joined.get();
    Encryption encryption = Encryption.passphrase(passphrase);
    ReplicaStore store = null;
    try {
      store = ReplicaStore.open("jdbc:sqlite:" + database, encryption);
      String site = HexFormat.of().formatHex(store.siteId());
      if (!site.equals(device.siteId())) {
        RunningSync.closeQuietly(store);
        encryption.clear();
        return failed(CredentialsFile.of(database) + " belongs to the replica that joined (site " + device.siteId()
            + "); this database is a copy or a restored backup: delete that file and join it with lattice join",
            events);
      }
      SyncClient client = SyncClient.builder(store, device.spaceUri()).bearerToken(device.token()).build();
      client.addListener(new ListenerBridge(events));
      RunningSync running = new RunningSync(client, store, encryption);
      client.start();
      LOG.info("syncing {} with {}", database, device.spaceUri());
      return running;
    } catch (SQLException | dev.lattice.sync.SyncException | RuntimeException e) {
      if (store != null) {
        RunningSync.closeQuietly(store);
      }
      encryption.clear();
      return failed("sync of " + database + " could not start: " + e.getMessage(), events);
    }
  }

  private static AutoSyncSession failed(String error, AutoSyncListener events) {
    LOG.warn("background sync not started: {}", error);
    AutoSyncStatus status = AutoSyncStatus.failed(error);
    events.statusChanged(status);
    return new AutoSyncSession() {
      @Override
      public AutoSyncStatus status() {
        return status;
      }

      @Override
      public void close() {}
    };
  }
}
