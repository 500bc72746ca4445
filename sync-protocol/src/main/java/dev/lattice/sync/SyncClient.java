package dev.lattice.sync;

import dev.lattice.sync.SyncStatus.State;
import dev.lattice.sync.session.LiveSession;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncReport;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.store.ReplicaStore;
import dev.lattice.sync.transport.HttpTransport;
import dev.lattice.sync.transport.LiveChannel;
import dev.lattice.sync.transport.LiveHandler;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.transport.WebSocketLive;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a device's database in sync with one peer (a reference server, or another device serving with
 * {@code PeerHost} in lattice-sync-server): one-shot with {@link #syncNow()}, or continuously with {@link #start()}.
 *
 * <pre>{@code
 * ReplicaStore store = ReplicaStore.open("jdbc:sqlite:notes.db", Encryption.passphrase(words));
 * SyncClient client = SyncClient.builder(store, URI.create("http://laptop.local:7420")).build();
 * client.addListener(new SyncListener() {
 *   public void statusChanged(SyncStatus s) { ui.showSyncState(s); }
 *   public void remoteChangesApplied(long cells) { ui.refresh(); }
 * });
 * client.start();   // catch up over HTTP, then live over a WebSocket; reconnects on its own
 * ...
 * client.close();
 * }</pre>
 *
 * Continuous sync catches up with a full sync (hello, pull, push, reconcile), then goes live; when the connection
 * drops it reports {@link State#OFFLINE} with the time of the next attempt and tries again after pauses that grow
 * exponentially with full jitter ({@link Backoff}), at least as long as a 429 or 503 answer's {@code Retry-After}. A
 * live connection that closes before it has been live for {@link Builder#liveStable} counts as a failure, so a peer
 * that accepts and drops at once is not hammered with full syncs. Failures that retrying cannot fix (a wrong
 * passphrase, a schema or protocol mismatch, a device the server refuses: {@link SyncException.Kind#retryable()})
 * stop it in {@link State#ERROR}, whose error says what to do.
 */
public final class SyncClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyncClient.class);

  private final ReplicaStore store;
  private final URI peer;
  private final Transport transport;
  private final SyncOptions options;
  private final Duration minRetry;
  private final Duration maxRetry;
  private final Duration watchInterval;
  private final Duration liveStable;
  private final java.util.random.RandomGenerator random;
  private final String bearerToken;
  private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();
  private final Object syncLock = new Object();
  private volatile SyncStatus status = new SyncStatus(State.STOPPED, null, null, null, 0);
  private volatile boolean running;
  private volatile LiveSession live;
  private volatile LiveChannel channel;
  private Thread worker;
  private AutoCloseable watcher;

  private SyncClient(Builder b) {
    this.store = b.store;
    this.peer = b.peer;
    this.bearerToken = b.bearerToken;
    this.transport = b.transport != null ? b.transport
        : new HttpTransport(b.peer, HttpTransport.Options.defaults(), b.bearerToken);
    this.options = b.options;
    this.minRetry = b.minRetry;
    this.maxRetry = b.maxRetry;
    this.watchInterval = b.watchInterval;
    this.liveStable = b.liveStable;
    this.random = b.random;
    // Conflicts are heard as each batch recording them is stored, whether by a one-shot sync or on the live channel.
    store.onConflicts(this::conflictsRecorded);
    store.onRenumbered(moves -> listeners.forEach(l -> l.rowsRenumbered(moves)));
  }

  /**
   * A client of {@code store} for the peer serving at {@code peer}: its base address, such as http://host:port for a
   * device serving with {@code PeerHost} (lattice-sync-server), or http://host:port/spaces/{space} for a space on a
   * reference server (with {@link Builder#bearerToken}).
   */
  public static Builder builder(ReplicaStore store, URI peer) {
    return new Builder(store, peer);
  }

  public void addListener(SyncListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(SyncListener listener) {
    listeners.remove(listener);
  }

  public SyncStatus status() {
    return status;
  }

  /**
   * Syncs once, now, on the calling thread: when it returns, both sides hold the same state (as of the moment their
   * roots were compared). While continuous sync runs, this waits for the running attempt and adds one of its own.
   */
  public SyncReport syncNow() throws SyncException {
    synchronized (syncLock) {
      setStatus(status.with(State.CONNECTING, null, null));
      try {
        SyncReport report = SyncSession.run(store, transport, options,
            p -> setStatus(status.with(State.CATCHING_UP, p, null)));
        setStatus(status.synced(Instant.now(), 0).conflicts(store.unresolvedConflicts())
            .with(running ? State.CONNECTING : State.STOPPED, null, null));
        if (report.cellsApplied() > 0) {
          listeners.forEach(l -> l.remoteChangesApplied(report.cellsApplied()));
        }
        return report;
      } catch (SyncException e) {
        boolean offline = e.kind() == SyncException.Kind.UNAVAILABLE;
        setStatus(status.with(offline ? State.OFFLINE : State.ERROR, null, e));
        throw e;
      }
    }
  }

  /** Starts continuous sync on a background thread; returns at once. Idempotent. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    try {
      watcher = store.watchCommits(watchInterval, this::localCommit);
    } catch (java.sql.SQLException e) {
      running = false;
      throw new IllegalStateException("cannot watch the database for commits: " + e.getMessage(), e);
    }
    worker = new Thread(this::runContinuously, "lattice-sync-client");
    worker.setDaemon(true);
    worker.start();
  }

  /** Stops continuous sync: closes the live connection and waits for the worker to end. Idempotent. */
  public void stop() {
    Thread w;
    synchronized (this) {
      if (!running) {
        return;
      }
      running = false;
      w = worker;
      closeQuietly(watcher);
    }
    LiveChannel c = channel;
    if (c != null) {
      c.close();
    }
    w.interrupt();
    try {
      w.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    setStatus(status.with(State.STOPPED, null, null));
  }

  @Override
  public void close() {
    stop();
    transport.close();
  }

  private void runContinuously() {
    Backoff backoff = new Backoff(minRetry, maxRetry, random);
    while (running) {
      Optional<Duration> askedToWait = Optional.empty();
      try {
        syncNow();
        if (goLive()) {
          backoff.reset();
          continue; // it was live a while: catch up at once, as after any ordinary disconnection
        }
      } catch (SyncException e) {
        if (!e.kind().retryable()) {
          LOG.warn("sync stopped: [{}] {}", e.code(), e.getMessage());
          running = false;
          closeQuietly(watcher);
          return;
        }
        askedToWait = e.retryAfter();
      }
      if (!running) {
        return;
      }
      Duration pause = backoff.next(askedToWait);
      setStatus(status.retryingAt(Instant.now().plus(pause)));
      LOG.info("sync with {} failed, retrying in {} ms: {}", peer, pause.toMillis(),
          status.error() == null ? "" : status.error().getMessage());
      if (!sleep(pause)) {
        return;
      }
    }
  }

  private void conflictsRecorded(long conflicts) {
    listeners.forEach(l -> l.conflictsRecorded(conflicts));
    try {
      setStatus(status.conflicts(store.unresolvedConflicts()));
    } catch (SyncException e) {
      LOG.debug("cannot count conflicts: {}", e.getMessage());
    }
  }

  /**
   * Live until the channel closes or the client stops; then the loop catches up again. True if the channel was live
   * for at least {@code liveStable}: one that closed sooner (or never went live) is a failure, and is retried after a
   * pause.
   */
  private boolean goLive() throws SyncException {
    long[] liveSince = {0};
    CountDownLatch closed = new CountDownLatch(1);
    LiveSession session = new LiveSession(store, options, new LiveSession.Events() {
      @Override
      public void applied(long cells) {
        listeners.forEach(l -> l.remoteChangesApplied(cells));
      }

      @Override
      public void acknowledged() {
        refreshPending();
      }
    }).numberingWith(() -> SyncSession.settle(store, transport, options));
    LiveHandler handler = new LiveHandler() {
      @Override
      public void onOpen(LiveChannel c) {
        session.onOpen(c);
      }

      @Override
      public void onMessage(LiveChannel c, byte[] message) {
        session.onMessage(c, message);
        if (session.isLive() && status.state() != State.LIVE) {
          liveSince[0] = System.nanoTime();
          setStatus(status.with(State.LIVE, null, null));
        }
      }

      @Override
      public void onClose(LiveChannel c, String reason) {
        session.onClose(c, reason);
        closed.countDown();
      }
    };
    try {
      channel = WebSocketLive.connect(peer, handler, Duration.ofSeconds(10), options.maxMessageBytes(), bearerToken);
    } catch (IOException e) {
      throw SyncException.talkingToPeer("the live connection to " + peer + " failed", e);
    }
    live = session;
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      live = null;
      channel.close();
    }
    boolean stayed = liveSince[0] != 0 && System.nanoTime() - liveSince[0] >= liveStable.toNanos();
    if (running) {
      String reason = session.closeReason();
      setStatus(status.with(State.OFFLINE, null, new SyncException(SyncException.Kind.UNAVAILABLE,
          "the live connection closed" + (stayed ? "" : " within " + liveStable.toSeconds() + " s of opening") + ": "
          + (reason == null ? "no reason given" : reason))));
    }
    return stayed;
  }

  private void localCommit() {
    LiveSession session = live;
    if (session != null) {
      session.localCommit();
    }
    refreshPending();
  }

  private void refreshPending() {
    LiveSession session = live;
    try {
      long pending = session == null ? -1 : session.pendingWrites();
      if (pending >= 0 && pending != status.pendingLocalWrites()) {
        setStatus(status.pending(pending));
      }
    } catch (SyncException e) {
      LOG.debug("cannot count pending writes: {}", e.getMessage());
    }
  }

  private void setStatus(SyncStatus next) {
    status = next;
    listeners.forEach(l -> l.statusChanged(next));
  }

  private boolean sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
      return running;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception e) {
      LOG.debug("closing {} failed: {}", c, e.getMessage());
    }
  }

  /** Options of a {@link SyncClient}. */
  public static final class Builder {
    private final ReplicaStore store;
    private final URI peer;
    private Transport transport;
    private SyncOptions options = SyncOptions.DEFAULTS;
    private Duration minRetry = Duration.ofSeconds(1);
    private Duration maxRetry = Duration.ofSeconds(30);
    private Duration watchInterval = Duration.ofMillis(20);
    private Duration liveStable = Duration.ofSeconds(5);
    private java.util.random.RandomGenerator random = new java.util.Random();
    private String bearerToken;

    private Builder(ReplicaStore store, URI peer) {
      this.store = Objects.requireNonNull(store, "store");
      this.peer = Objects.requireNonNull(peer, "peer");
    }

    public Builder options(SyncOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Carries hello, pull, push and reconcile over {@code transport} instead of HTTP to the peer. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Pauses between attempts after failures: drawn between zero and {@code min * 2^failures}, at most {@code max}
     * (full jitter; see {@link Backoff}).
     */
    public Builder retry(Duration min, Duration max) {
      if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("retry pauses must satisfy 0 < min <= max, were " + min + ", " + max);
      }
      this.minRetry = min;
      this.maxRetry = max;
      return this;
    }

    /**
     * Sends {@code token} as a bearer token with every request and live connection: a reference server's device
     * token. Peers serving their own database ({@code PeerHost}, in lattice-sync-server) need none.
     */
    public Builder bearerToken(String token) {
      this.bearerToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /** How often to check the database for new commits to push while live (20 ms unless set). */
    public Builder watchInterval(Duration interval) {
      this.watchInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * How long a live connection must stay live to count as a success (5 s unless set): one that closes sooner is a
     * failure, retried after a pause rather than at once.
     */
    public Builder liveStable(Duration stable) {
      this.liveStable = Objects.requireNonNull(stable, "stable");
      return this;
    }

    /** The randomness of the pauses' jitter; seeded in tests. */
    public Builder random(java.util.random.RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public SyncClient build() {
      return new SyncClient(this);
    }
  }
}
