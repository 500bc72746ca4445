package dev.lattice.server;

import dev.lattice.sync.session.LiveSession;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncResponder;
import dev.lattice.sync.transport.LiveHandler;
import dev.lattice.sync.transport.RequestHandler;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link SpaceSyncs} for tests until the envelope store lands: each space is served from a real device database (a
 * {@link DeviceDatabase} in a directory), by the protocol's own {@link SyncResponder} and {@link LiveSession}. Live
 * sessions push what other devices sync, as the database's commits are noticed.
 */
final class DeviceDatabaseSyncs implements SpaceSyncs {
  private final Path dir;
  private final Map<String, DeviceDatabase> spaces = new ConcurrentHashMap<>();
  /** Protocol requests that reached a space: a refused request must not. */
  final AtomicInteger requests = new AtomicInteger();
  volatile boolean closed;

  DeviceDatabaseSyncs(Path dir) {
    this.dir = dir;
  }

  /** The database serving {@code spaceId}, made on first use. */
  DeviceDatabase space(String spaceId) {
    return spaces.computeIfAbsent(spaceId, id -> {
      try {
        return DeviceDatabase.create(dir.resolve("space-" + id + ".db"));
      } catch (SQLException e) {
        throw new IllegalStateException("cannot make the database of space " + id, e);
      }
    });
  }

  @Override
  public RequestHandler handler(String spaceId) {
    SyncResponder responder = new SyncResponder(space(spaceId).store, SyncOptions.DEFAULTS);
    return request -> {
      requests.incrementAndGet();
      return responder.handle(request);
    };
  }

  @Override
  public LiveHandler live(String spaceId, String deviceId) {
    DeviceDatabase space = space(spaceId);
    // The watch begins before the session subscribes its peer: no commit falls between its vector and the watch.
    return new LiveSession(space.store, SyncOptions.DEFAULTS, new LiveSession.Events() {})
        .toldOfCommitsBy(onCommit -> space.store.watchCommits(Duration.ofMillis(10), onCommit));
  }

  @Override
  public void close() {
    closed = true;
    for (DeviceDatabase space : spaces.values()) {
      try {
        space.close();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
