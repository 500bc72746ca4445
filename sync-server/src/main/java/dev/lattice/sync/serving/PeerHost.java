package dev.lattice.sync.serving;

import dev.lattice.sync.SyncClient;
import dev.lattice.sync.session.LiveSession;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncResponder;
import dev.lattice.sync.store.ReplicaStore;
import java.io.IOException;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves a device's own database to its peers, so that two devices sync directly with no server: one runs a host,
 * the other a {@link SyncClient} pointed at {@link #uri()}. Answers hello, pull, push and reconcile over HTTP and keeps
 * live peers up to date over WebSockets, pushing every commit to the database (the application's included) within
 * the watch interval.
 */
public final class PeerHost implements AutoCloseable {
  private final PeerServer server;
  private final AutoCloseable watcher;
  private final Set<Runnable> live;

  private PeerHost(PeerServer server, AutoCloseable watcher, Set<Runnable> live) {
    this.server = server;
    this.watcher = watcher;
    this.live = live;
  }

  /**
   * Starts serving {@code store} on {@code listen} ({@link PeerServer.Options#defaults()}: loopback, a free port). The
   * store stays the caller's: close it after the host. The store becomes its space's number source
   * ({@link ReplicaStore#handOutNumbers}): peers number their rows of numbered tables with its counters.
   */
  public static PeerHost start(ReplicaStore store, PeerServer.Options listen, SyncOptions options)
      throws IOException, SQLException {
    Objects.requireNonNull(store, "store").handOutNumbers();
    Set<Runnable> live = ConcurrentHashMap.newKeySet(); // each open live session's commit notice
    AutoCloseable watcher = store.watchCommits(Duration.ofMillis(20), () -> live.forEach(Runnable::run));
    try {
      PeerServer server = PeerServer.start(listen, new SyncResponder(store, options),
          () -> new LiveSession(store, options, new LiveSession.Events() {}).toldOfCommitsBy(onCommit -> {
            live.add(onCommit);
            return () -> live.remove(onCommit);
          }));
      return new PeerHost(server, watcher, live);
    } catch (IOException | RuntimeException e) {
      closeQuietly(watcher);
      throw e;
    }
  }

  /** Where peers reach this host, such as {@code http://127.0.0.1:43117}. */
  public URI uri() {
    return server.uri();
  }

  /** Live peers connected now. */
  public int livePeers() {
    return live.size();
  }

  /** Stops serving: finishes requests in progress within the server's stop timeout and closes live connections. */
  @Override
  public void close() {
    server.close();
    closeQuietly(watcher);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing a watcher only stops a poller; nothing to report
    }
  }
}
