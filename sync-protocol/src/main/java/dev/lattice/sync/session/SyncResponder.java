package dev.lattice.sync.session;

import dev.lattice.merkle.ReconcileException;
import dev.lattice.merkle.Reconciliation;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.store.AnsweringStore;
import dev.lattice.sync.store.KeyAgreement;
import dev.lattice.sync.store.SyncStore.ReconcileView;
import dev.lattice.sync.store.SyncStore;
import dev.lattice.sync.transport.RequestHandler;
import dev.lattice.sync.wire.Ack;
import dev.lattice.sync.wire.Allocate;
import dev.lattice.sync.wire.Allocated;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.Failure;
import dev.lattice.sync.wire.Hello;
import dev.lattice.sync.wire.KeyInfo;
import dev.lattice.sync.wire.Message;
import dev.lattice.sync.wire.Pull;
import dev.lattice.sync.wire.Reconcile;
import dev.lattice.sync.wire.Reconciled;
import dev.lattice.sync.wire.SchemaMigration;
import dev.lattice.sync.wire.Stable;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import dev.lattice.sync.wire.Welcome;
import dev.lattice.sync.wire.WireCodec;
import dev.lattice.sync.wire.WireException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the request/response half of the protocol from one {@link SyncStore}: hello, pull, pushed changes, stable
 * points, reconciliation steps and requests for numbers. Stateless between requests except for open reconciliation sessions, so any transport can
 * carry it and a request may be retried. Every problem is answered with a {@link Failure} naming it; nothing of a
 * refused request is applied.
 *
 * <p>Where an answer states both, the root is read before the vector: a write that lands between the two then shows
 * in the vector, and the asker catches up with a new hello, rather than in the root alone, which the asker could only
 * explain by reconciling trees.
 */
public final class SyncResponder implements RequestHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SyncResponder.class);

  private final AnsweringStore store;
  private final SyncOptions options;
  private final WireCodec codec;
  private final ReconcileSessions sessions;

  public SyncResponder(AnsweringStore store, SyncOptions options) {
    this(store, options, Clock.systemUTC());
  }

  SyncResponder(AnsweringStore store, SyncOptions options, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
    this.codec = options.codec();
    this.sessions = new ReconcileSessions(clock);
  }

  /** Decodes a request, answers it and encodes the answer; malformed input is answered with a failure. */
  @Override
  public byte[] handle(byte[] request) {
    return handle(request, null);
  }

  /**
   * As {@link #handle(byte[])}, for a peer the transport has identified ({@code peer}: a relay's device id), which the
   * store hears with the peer's hello ({@link SyncStore#peerHolds}).
   */
  public byte[] handle(byte[] request, String peer) {
    Message message;
    try {
      message = codec.decode(request);
    } catch (WireException e) {
      return codec.encode(new Failure(Kind.MALFORMED.code(), e.getMessage(), null));
    }
    return codec.encode(respond(message, peer));
  }

  /** The answer to one request. */
  public Message respond(Message request) {
    return respond(request, null);
  }

  /** The answer to one request of {@code peer} (null when not known). */
  public Message respond(Message request, String peer) {
    try {
      if (request instanceof Hello h) {
        return welcome(h, peer);
      } else if (request instanceof Pull p) {
        return Batches.next(store, p.vector(), cells(p.maxCells()), bytes(p.maxBytes()));
      } else if (request instanceof Changes c) {
        long applied = store.apply(c);
        TreeRoot root = store.root(); // before the vector: see the class comment
        return new Ack(store.vector(), root, applied);
      } else if (request instanceof Reconcile r) {
        return reconcile(r);
      } else if (request instanceof Allocate a) {
        List<Long> first = store.allocate(a.asks());
        if (first.size() != a.asks().size()) {
          throw new SyncException(Kind.INTERNAL, "the store answered " + a.asks().size() + " asks with "
              + first.size() + " numbers");
        }
        return new Allocated(first, store.siteId());
      } else if (request instanceof Stable s) {
        store.adoptStable(s.vector());
        return new Stable(store.stableVector(), store.root());
      } else if (request instanceof SchemaMigration m) {
        store.migrated(m);
        TreeRoot root = store.root(); // before the vector: see the class comment
        return new Ack(store.vector(), root, 0);
      }
      return new Failure(Kind.MALFORMED.code(), "a " + WireCodec.kind(request) + " message is not a request this"
          + " peer answers over request/response", null);
    } catch (SyncException e) {
      if (e.kind() == Kind.INTERNAL) {
        LOG.warn("sync request failed on this side: {}", e.getMessage(), e);
      }
      return new Failure(e.code(), e.getMessage(), null);
    }
  }

  private Message welcome(Hello hello, String peer) throws SyncException {
    if (hello.protocol() != Message.PROTOCOL) {
      return new Failure(Kind.PROTOCOL.code(), "the asker speaks sync protocol " + hello.protocol() + " and this peer"
          + " speaks " + Message.PROTOCOL + ": update the older of the two", null);
    }
    if (store.adoptKey(hello.key(), hello.encrypted()) instanceof KeyAgreement.Refused refused) {
      byte[] detail = null;
      if (hello.key() == null && hello.encrypted()) {
        // The parameters are not secret: an asker that has the passphrase but not the space's salt derives from
        // them. A store that cannot make a key (a relay) and has none says so with no bytes: the asker makes it.
        KeyInfo space = store.encrypted() ? store.keyInfo(true) : null;
        detail = space == null ? new byte[0] : codec.encodeValue(space);
      }
      return new Failure(Kind.KEY.code(), refused.reason(), detail);
    }
    if (!store.acceptsSchema(hello.schema())) {
      return new Failure(Kind.SCHEMA.code(),
          "the peers track different tables or columns (run the same migrations on both)", store.schemaDetail());
    }
    store.schemaAgreed();
    store.peerHolds(peer, hello.site(), hello.vector());
    TreeRoot root = store.root(); // before the vector: see the class comment
    List<VectorEntry> vector = store.vector();
    Changes first = Vectors.gap(vector, hello.vector()) == 0 ? null
        : Batches.next(store, hello.vector(), cells(hello.maxCells()), bytes(hello.maxBytes()));
    return new Welcome(Message.PROTOCOL, store.siteId(), store.schemaFingerprint(), vector, root,
        store.keyInfo(true), first);
  }

  private Message reconcile(Reconcile request) throws SyncException {
    ReconcileSessions.Session session = sessions.get(request.session());
    if (session != null) {
      synchronized (session) { // a retried request may race the original: one step at a time
        return step(request, session);
      }
    }
    if (request.message() == null) {
      return new Failure(Kind.RECONCILE.code(), "no open reconciliation session with that id (it finished or expired):"
          + " start a new one", null);
    }
    ReconcileView view = store.reconcileView();
    session = new ReconcileSessions.Session(Reconciliation.respond(view.tree(), options.reconcile()),
        new FoundRows(view));
    sessions.put(request.session(), session);
    synchronized (session) {
      return step(request, session);
    }
  }

  private Message step(Reconcile request, ReconcileSessions.Session session) throws SyncException {
    byte[] answer = null;
    if (request.message() != null) {
      try {
        answer = session.reconciliation.receive(request.message());
      } catch (ReconcileException e) {
        sessions.remove(request.session());
        return new Failure(Kind.RECONCILE.code(), e.getMessage(), null);
      }
      session.finished = answer == null;
      session.found.collect(session.reconciliation);
    }
    List<Envelope> items = session.found.next(options.batchCells(), options.maxMessageBytes());
    boolean more = !session.found.isEmpty();
    if (session.finished && !more) {
      sessions.remove(request.session());
    }
    TreeRoot root = store.root(); // before the vector: see the class comment
    return new Reconciled(answer, items, more, store.vector(), root);
  }

  private int bytes(int asked) {
    return asked <= 0 ? options.maxMessageBytes() : Math.min(asked, options.maxMessageBytes());
  }

  private int cells(int asked) {
    return asked <= 0 ? options.batchCells() : Math.min(asked, options.batchCells());
  }
}
