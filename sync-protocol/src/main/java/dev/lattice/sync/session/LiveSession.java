package dev.lattice.sync.session;

import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.store.AnsweringStore;
import dev.lattice.sync.store.NumbersNeededException;
import dev.lattice.sync.store.SyncStore;
import dev.lattice.sync.transport.LiveChannel;
import dev.lattice.sync.transport.LiveHandler;
import dev.lattice.sync.wire.Ack;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Failure;
import dev.lattice.sync.wire.Message;
import dev.lattice.sync.wire.Subscribe;
import dev.lattice.sync.wire.VectorEntry;
import dev.lattice.sync.wire.WireCodec;
import dev.lattice.sync.wire.WireException;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live phase on one side of a {@link LiveChannel}: both sides run one, after a sync has caught them up.
 *
 * <p>Each side opens by sending {@link Subscribe} with its vector. From then on, whenever its store commits something
 * the peer lacks ({@link #localCommit}), it pushes the next batch as {@link Changes}; the peer stores it durably, then
 * answers {@link Ack} with its new vector, and only then is the next batch sent, so at most one batch is in flight each
 * way. Changes received from the peer raise this side's idea of the peer's vector, so they are never echoed back.
 * A refused batch ends the channel with a {@link Failure}; the owner reconnects with a new hello, which resumes
 * from the vectors.
 */
public final class LiveSession implements LiveHandler {
  private static final Logger LOG = LoggerFactory.getLogger(LiveSession.class);

  private final AnsweringStore store;
  private final SyncOptions options;
  private final WireCodec codec;
  private final Events events;
  private LiveChannel channel;
  private List<VectorEntry> peerVector;
  private boolean inFlight;
  private volatile String closeReason;
  private String peer;
  private volatile Numbering numbering;

  /** What a live session tells its owner, on the channel's thread. */
  public interface Events {
    /** A batch from the peer is durably stored; {@code cells} cell versions won. */
    default void applied(long cells) {}

    /** The peer acknowledged a batch from this side: it holds it durably. */
    default void acknowledged() {}
  }

  /** Where a live session hears of its store's commits. */
  @FunctionalInterface
  public interface CommitSource {
    /** Starts calling {@code onCommit} after every commit to the store; closing the result stops it. */
    AutoCloseable subscribe(Runnable onCommit) throws Exception;
  }

  public LiveSession(AnsweringStore store, SyncOptions options, Events events) {
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
    this.codec = options.codec();
    this.events = Objects.requireNonNull(events, "events");
  }

  /**
   * Names the peer as the transport knows it (a relay's device id), so that what the peer states it holds (its
   * subscribe, acks and pushes) reaches the store ({@link SyncStore#peerHolds}). Returns this session.
   */
  public LiveSession heardAs(String peer) {
    this.peer = peer;
    return this;
  }

  @Override
  public synchronized void onOpen(LiveChannel channel) {
    this.channel = channel;
    try {
      send(new Subscribe(store.vector()));
    } catch (SyncException e) {
      fail(e);
    }
  }

  @Override
  public void onMessage(LiveChannel channel, byte[] bytes) {
    Message message;
    try {
      message = codec.decode(bytes);
    } catch (WireException e) {
      fail(new SyncException(Kind.MALFORMED, e.getMessage(), e));
      return;
    }
    try {
      if (message instanceof Changes c) {
        long stored = store.apply(c);
        holds(c.senderVector());
        synchronized (this) {
          peerVector = peerVector == null ? c.senderVector() : Vectors.merge(peerVector, c.senderVector());
        }
        send(new Ack(store.vector(), store.root(), stored));
        if (stored > 0) {
          events.applied(stored);
        }
      } else if (message instanceof Subscribe s) {
        synchronized (this) {
          peerVector = peerVector == null ? s.vector() : Vectors.merge(peerVector, s.vector());
        }
        holds(s.vector());
        localCommit();
      } else if (message instanceof Ack a) {
        synchronized (this) {
          if (peerVector == null) {
            // Nothing is pushed before the peer's subscribe, so there is nothing to acknowledge; a malformed peer,
            // not a failure of this side (which would close the channel with 1011).
            throw new SyncException(Kind.MALFORMED, "an ack came before the peer's subscribe: nothing was sent to"
                + " acknowledge");
          }
          peerVector = Vectors.merge(peerVector, a.vector());
          inFlight = false;
        }
        holds(a.vector());
        events.acknowledged();
        localCommit();
      } else if (message instanceof Failure f) {
        LOG.warn("live peer refused: [{}] {}", f.code(), f.message());
        closeWith("the peer refused: [" + f.code() + "] " + f.message());
      } else {
        fail(new SyncException(Kind.MALFORMED, "a " + WireCodec.kind(message) + " message has no place on a live"
            + " channel"));
      }
    } catch (SyncException e) {
      fail(e);
    }
  }

  /** Tells the store what the peer, if named, stated it holds. */
  private void holds(List<VectorEntry> vector) throws SyncException {
    if (peer != null) {
      store.peerHolds(peer, null, vector);
    }
  }

  /**
   * Something was committed locally: push it if the peer lacks it and nothing is in flight. Any thread. Rows the
   * application inserted into numbered tables are first numbered through {@link #numberingWith}, outside this
   * session's lock (it takes a round trip).
   */
  public void localCommit() {
    for (boolean numbered = false; ; numbered = true) {
      Changes batch;
      synchronized (this) {
        if (channel == null || !channel.isOpen() || peerVector == null || inFlight) {
          return;
        }
        try {
          batch = Batches.next(store, peerVector, options.batchCells(), options.maxMessageBytes());
        } catch (NumbersNeededException e) {
          if (numbering == null || numbered) {
            fail(e);
            return;
          }
          batch = null;
        } catch (SyncException e) {
          fail(e);
          return;
        }
        if (batch != null && batch.envelopes().isEmpty()) {
          return;
        }
        inFlight = batch != null;
      }
      if (batch != null) {
        send(batch);
        return;
      }
      try {
        numbering.settle();
      } catch (SyncException e) {
        fail(e);
        return;
      }
    }
  }

  /** Numbers rows waiting in numbered tables before they are pushed ({@link SyncSession#settle}). */
  @FunctionalInterface
  public interface Numbering {
    void settle() throws SyncException;
  }

  /** How this side numbers its waiting rows: the asking side of a live channel sets it. Returns this session. */
  public LiveSession numberingWith(Numbering numbering) {
    this.numbering = numbering;
    return this;
  }

  /**
   * This session as the handler of its channel, told of every commit {@code commits} reports from just before it
   * subscribes its peer (so no commit falls between the vector it sends and the telling) until its channel closes.
   */
  public LiveHandler toldOfCommitsBy(CommitSource commits) {
    LiveSession session = this;
    return new LiveHandler() {
      private AutoCloseable subscription;

      @Override
      public void onOpen(LiveChannel channel) {
        try {
          subscription = commits.subscribe(session::localCommit);
        } catch (Exception e) { // the transport logs it and closes the channel: the peer reconnects
          throw new IllegalStateException("cannot follow the store's commits: " + e.getMessage(), e);
        }
        session.onOpen(channel);
      }

      @Override
      public void onMessage(LiveChannel channel, byte[] message) {
        session.onMessage(channel, message);
      }

      @Override
      public void onClose(LiveChannel channel, String reason) {
        try {
          if (subscription != null) {
            subscription.close();
          }
        } catch (Exception e) {
          LOG.debug("unsubscribing a closed live session failed: {}", e.getMessage());
        }
        session.onClose(channel, reason);
      }
    };
  }

  /** Whether both sides have subscribed and the channel is open. */
  public synchronized boolean isLive() {
    return channel != null && channel.isOpen() && peerVector != null;
  }

  /** Writes this side holds that the peer is not known to hold (an upper bound), or -1 before the peer subscribed. */
  public long pendingWrites() throws SyncException {
    List<VectorEntry> peer;
    synchronized (this) {
      peer = peerVector;
    }
    return peer == null ? -1 : Vectors.gap(store.vector(), peer);
  }

  /** Why the channel closed, or null while it is open. */
  public String closeReason() {
    return closeReason;
  }

  @Override
  public void onClose(LiveChannel channel, String reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
  }

  private void send(Message message) {
    LiveChannel c;
    synchronized (this) {
      c = channel;
    }
    try {
      c.send(codec.encode(message));
    } catch (IOException | RuntimeException e) {
      closeWith("sending failed: " + e.getMessage());
    }
  }

  private void fail(SyncException e) {
    if (e.kind() == Kind.INTERNAL) {
      LOG.warn("live sync failed on this side: {}", e.getMessage(), e);
    }
    send(new Failure(e.code(), e.getMessage(), null));
    closeWith("[" + e.code() + "] " + e.getMessage());
  }

  private void closeWith(String reason) {
    closeReason = reason;
    LiveChannel c;
    synchronized (this) {
      c = channel;
    }
    if (c != null) {
      c.close();
    }
  }
}
