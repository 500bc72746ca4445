package dev.lattice.sync.session;

import dev.lattice.merkle.ReconcileException;
import dev.lattice.merkle.Reconciliation;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.store.AskingStore;
import dev.lattice.sync.store.KeyAgreement;
import dev.lattice.sync.store.NumbersNeededException;
import dev.lattice.sync.store.SyncStore.ReconcileView;
import dev.lattice.sync.store.SyncStore;
import dev.lattice.sync.transport.Transport;
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
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The asking side of one sync: brings a local {@link SyncStore} and a peer's to the same state over a
 * {@link Transport}.
 *
 * <ol>
 *   <li><b>Hello.</b> States protocol, site, schema fingerprint, vector, root and key check; the welcome checks the
 *       peer's key before anything is applied and already carries the first batch the asker lacks.
 *   <li><b>Pull, then push.</b> Batches by version vector, each applied in one transaction; each batch advances the
 *       receiver's vector, so an interrupted sync resumes where it stopped and a re-delivered batch changes nothing.
 *       Between the two, rows inserted here into numbered tables are numbered for sync with numbers the peer hands
 *       out ({@link Allocate}), after the pull, so that the highest numbers this side reports include the peer's.
 *   <li><b>Reconcile</b>, only if the roots still differ while the vectors agree: first exchange stable points (one
 *       side may have dropped tombstones the other still holds; both drop them), then, if the roots still differ,
 *       descend both trees and exchange the differing rows whole, up to {@link SyncOptions#reconcileAttempts()}
 *       times; a reconciliation that moves nothing fails the session. Roots that differ because someone wrote
 *       meanwhile (the vectors differ) are caught up by a new hello instead, a few times at most: a busy peer leaves
 *       this side holding a state of it moments old, which the next sync or the live phase completes.
 * </ol>
 *
 * One use per instance; not thread-safe.
 */
public final class SyncSession {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** New hellos a sync says to a peer that keeps changing before it settles for a state moments old. */
  private static final int MAX_CATCH_UPS = 3;
  /**
   * The codes a peer may fail with; a peer's failure with another is malformed. Not {@code refused}: that is this
   * side's reading of a server's 401 or 403, never a word on the wire.
   */
  private static final Set<String> CODES = java.util.Arrays.stream(Kind.values())
      .filter(kind -> kind != Kind.REFUSED).map(Kind::code).collect(java.util.stream.Collectors.toUnmodifiableSet());
  /**
   * Hellos a sync says before its key is settled: without a key, with the one it made for a new space, without it
   * again when another device's key got there first, and with the space's.
   */
  private static final int MAX_KEY_HELLOS = 4;
  /**
   * Times a sync numbers rows of numbered tables that the application keeps inserting while it runs, before it leaves
   * the newest to the next sync.
   */
  private static final int MAX_SETTLES = 3;
  /** How much of a peer's failure message is quoted. */
  private static final int MAX_PEER_TEXT = 2_000;

  private final AskingStore local;
  private final Transport transport;
  private final SyncOptions options;
  private final WireCodec codec;
  private final Consumer<SyncProgress> progress;
  private final ExecutorService ahead = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "lattice-sync-ahead");
    t.setDaemon(true);
    return t;
  });
  private SyncProgress.Phase phase = SyncProgress.Phase.HELLO;
  private List<VectorEntry> peerAtStart = List.of();
  private List<VectorEntry> localAtStart = List.of();
  private long pullTotal;
  private long workTotal;
  private long workDone;
  private int roundTrips;
  private long bytesSent;
  private long bytesReceived;
  private long payloadSent;
  private long payloadReceived;
  private long cellsSent;
  private long cellsReceived;
  private long cellsApplied;
  private int reconciliations;
  private boolean stableExchanged;
  /** Whether this session made its space's key (a new space on a relay, which keeps no key of its own). */
  private boolean madeKey;

  private SyncSession(AskingStore local, Transport transport, SyncOptions options, Consumer<SyncProgress> progress) {
    this.local = Objects.requireNonNull(local, "local");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.options = Objects.requireNonNull(options, "options");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.codec = options.codec();
  }

  /** Syncs {@code local} with the peer at the other end of {@code transport}; see the class comment. */
  public static SyncReport run(AskingStore local, Transport transport, SyncOptions options) throws SyncException {
    return run(local, transport, options, p -> {});
  }

  /** As {@link #run(SyncStore, Transport, SyncOptions)}, telling {@code progress} after every batch. */
  public static SyncReport run(AskingStore local, Transport transport, SyncOptions options,
      Consumer<SyncProgress> progress) throws SyncException {
    return new SyncSession(local, transport, options, progress).run();
  }

  private SyncReport run() throws SyncException {
    try {
      return sync();
    } finally {
      ahead.shutdownNow();
    }
  }

  private SyncReport sync() throws SyncException {
    long started = System.nanoTime();
    Welcome welcome = hello();
    peerAtStart = welcome.vector();
    localAtStart = local.vector();
    pullTotal = Vectors.gap(peerAtStart, localAtStart);
    workTotal = pullTotal + Vectors.gap(localAtStart, peerAtStart);
    phase = SyncProgress.Phase.PULL;
    pull(welcome.changes());
    phase = SyncProgress.Phase.PUSH;
    Peer peer = settleAndPush(welcome.vector(), welcome.root());
    phase = SyncProgress.Phase.RECONCILE;
    for (int catchUps = 0; !same(peer.root(), local.root()); ) {
      if (!Vectors.same(peer.vector(), local.vector())) {
        // Someone wrote since the vectors were compared (other devices on a busy server, or this device's
        // application): the vectors explain the difference, so catch up by vector, not by tree.
        if (catchUps++ == MAX_CATCH_UPS) {
          break; // a peer that keeps changing: this side holds all of a state of it that is moments old
        }
        Welcome again = expect(exchange(helloMessage()), Welcome.class);
        pull(again.changes());
        peer = settleAndPush(again.vector(), again.root());
        continue;
      }
      if (!stableExchanged) {
        // Equal vectors, different roots: first see whether one side dropped tombstones the other still holds.
        stableExchanged = true;
        peer = exchangeStable(peer.vector());
        continue;
      }
      if (reconciliations == options.reconcileAttempts()) {
        throw new SyncException(Kind.RECONCILE, "the replicas still differ after " + reconciliations
            + " reconciliations, though their vectors agree: sync again later" + (local.stableVector().isEmpty() ? ""
            : ". If it keeps failing, this replica may hold rows the space deleted and compacted since it last"
                + " synced (a replica restored from an older backup, or synced only with other files): start it again"
                + " from a current replica (lattice export there, lattice import here)"));
      }
      long movedBefore = cellsSent + cellsReceived;
      try {
        peer = reconcile();
      } catch (NumbersNeededException e) {
        // The application inserted into a numbered table meanwhile: number those rows, then catch up by vector.
        settleNumbers();
        continue;
      }
      reconciliations++;
      if (cellsSent + cellsReceived == movedBefore && !same(peer.root(), local.root())
          && Vectors.same(peer.vector(), local.vector())) {
        throw new SyncException(Kind.RECONCILE, "a reconciliation found nothing to exchange, yet the trees still differ"
            + " (this side " + local.root().count() + " cells, the peer " + peer.root().count() + "): the peer's"
            + " tree does not match its data; stopping rather than loop");
      }
    }
    local.synced(welcome.site(), peer.vector(), String.valueOf(transport));
    return new SyncReport(roundTrips, bytesSent, bytesReceived, payloadSent, payloadReceived, cellsSent,
        cellsReceived, cellsApplied, reconciliations, Duration.ofNanos(System.nanoTime() - started));
  }

  /** Hello and its welcome, checked; an asker that has the passphrase but not its space's parameters adopts them. */
  private Welcome hello() throws SyncException {
    SchemaMigration migration = local.schemaMigration();
    if (migration != null) {
      expect(exchange(migration), Ack.class); // a relay moves the space along; the hello decides either way
    }
    Message reply = exchangeRaw(helloMessage());
    boolean forgot = false;
    for (int hellos = 1; hellos < MAX_KEY_HELLOS && reply instanceof Failure f && Kind.of(f.code()) == Kind.KEY
        && local.encrypted(); hellos++) {
      if (f.detail() != null && local.keyInfo(false) == null) {
        takeSpaceKey(f.detail());
      } else if (f.detail() == null && !forgot && local.keyInfo(false) != null && local.forgetUnconfirmedKey()) {
        // Another device of this new space made its key at the same moment, and the peer heard of it first. This
        // device's key was never accepted anywhere: the next hello, without one, brings the space's to adopt.
        forgot = true;
        madeKey = false;
      } else {
        break;
      }
      reply = exchangeRaw(helloMessage());
    }
    if (reply instanceof Failure f && Kind.of(f.code()) == Kind.SCHEMA && f.detail() != null
        && local.adoptSchema(f.detail())) {
      // This device tracked nothing yet (it joined with an empty or new database): it now has the space's tables.
      reply = exchangeRaw(helloMessage());
    }
    Welcome welcome = expect(checked(reply), Welcome.class);
    if (welcome.protocol() != Message.PROTOCOL) {
      throw new SyncException(Kind.PROTOCOL, "the peer speaks sync protocol " + welcome.protocol() + " and this side "
          + Message.PROTOCOL + ": update the older of the two");
    }
    // The peer checked this side's key; this side checks the peer's before applying anything it sent.
    refuseKey(local.adoptKey(welcome.key(), welcome.key() != null));
    if (!Arrays.equals(welcome.schema(), local.schemaFingerprint())) {
      throw new SyncException(Kind.SCHEMA, "the peer tracks other tables or columns than this replica");
    }
    // A device that made a new space's key just now is the space's first on a relay: it leaves its tables' definitions
    // there, for devices that join with none. Asked before schemaAgreed, which answers it.
    SchemaMigration introduction = madeKey ? local.schemaIntroduction() : null;
    local.schemaAgreed();
    if (introduction != null) {
      expect(exchange(introduction), Ack.class);
    }
    return welcome;
  }

  /** The key a peer's key refusal carries: none yet (this device makes it, for a new space), or the space's. */
  private void takeSpaceKey(byte[] detail) throws SyncException {
    if (detail.length == 0) {
      local.keyInfo(true); // the space has no key anywhere yet (a new space on a relay): this device makes it
      madeKey = true;
      return;
    }
    KeyInfo peerKey;
    try {
      peerKey = codec.decodeValue(detail, KeyInfo.class);
    } catch (WireException e) {
      throw new SyncException(Kind.MALFORMED, "the peer's key parameters could not be read: " + e.getMessage(), e);
    }
    refuseKey(local.adoptKey(peerKey, true));
  }

  private Hello helloMessage() throws SyncException {
    return new Hello(Message.PROTOCOL, local.siteId(), local.schemaFingerprint(), local.vector(), local.root(),
        local.keyInfo(false), local.encrypted(), options.batchCells(), options.maxMessageBytes());
  }

  private static void refuseKey(KeyAgreement agreement) throws SyncException {
    if (agreement instanceof KeyAgreement.Refused refused) {
      throw new SyncException(Kind.KEY, refused.reason());
    }
  }

  /**
   * Numbers for sync the rows {@code local} inserted into numbered tables since it last did, with numbers from the
   * peer at the other end of {@code transport}: what a live channel does before it pushes such rows.
   */
  public static void settle(AskingStore local, Transport transport, SyncOptions options) throws SyncException {
    SyncSession session = new SyncSession(local, transport, options, p -> {});
    try {
      session.settleNumbers();
    } finally {
      session.ahead.shutdownNow();
    }
  }

  /** Numbers waiting rows, then pushes; numbers again if the application inserted more before they were read. */
  private Peer settleAndPush(List<VectorEntry> peerVector, TreeRoot peerRoot) throws SyncException {
    for (int tries = 1; ; tries++) {
      settleNumbers();
      try {
        return push(peerVector, peerRoot);
      } catch (NumbersNeededException e) {
        if (tries == MAX_SETTLES) {
          throw e;
        }
      }
    }
  }

  /**
   * Asks the peer for numbers for the rows waiting here to be numbered, and moves them there; asks again if more
   * were inserted while the answer travelled. A peer from before numbered tables cannot read the request.
   */
  private void settleNumbers() throws SyncException {
    for (int tries = 0; tries < MAX_SETTLES; tries++) {
      List<Allocate.Ask> asks = local.numbersWanted();
      if (asks.isEmpty()) {
        return;
      }
      Message reply = exchangeRaw(new Allocate(asks));
      if (reply instanceof Failure f && Kind.of(f.code()) == Kind.MALFORMED) {
        throw new SyncException(Kind.PROTOCOL, "this replica has rows of numbered tables to number for sync, and the"
            + " peer could not read the request for numbers (" + f.message() + "); a peer from before numbered tables"
            + " answers so: update it, then sync again");
      }
      Allocated numbers = expect(checked(reply), Allocated.class);
      if (numbers.first().size() != asks.size()) {
        throw new SyncException(Kind.MALFORMED, "the peer answered " + asks.size() + " requests for numbers with "
            + numbers.first().size() + " numbers");
      }
      if (local.settleNumbers(asks, numbers.first(), numbers.source())) {
        return;
      }
    }
    throw new SyncException(Kind.UNAVAILABLE, "rows kept being inserted into numbered tables while this sync numbered"
        + " them; they wait for the next sync");
  }

  /**
   * Applies the welcome's batch and pulls the rest. The next batch is asked for before this one is applied (the vector
   * it will leave is known from its covers), so the peer reads and seals while this side writes.
   */
  private void pull(Changes first) throws SyncException {
    List<VectorEntry> held = local.vector();
    for (Changes batch = first; batch != null; ) {
      if (batch.more() && Vectors.gap(batch.covers(), held) == 0) {
        // Every honest batch that has more to follow covers a step further; one that does not would be asked for
        // again with the same vector, and answered the same, forever (found by HostilePeerProperties).
        throw new SyncException(Kind.REJECTED, "the peer sent a batch that says more follows but covers nothing beyond"
            + " what this side holds; stopping rather than ask for the same batch forever");
      }
      held = Vectors.merge(held, batch.covers());
      Future<Exchanged> next = batch.more()
          ? ahead(new Pull(held, options.batchCells(), options.maxMessageBytes())) : null;
      receive(batch);
      workDone = pullTotal - Vectors.gap(peerAtStart, local.vector());
      report();
      batch = next == null ? null : expect(collect(next), Changes.class);
    }
  }

  /**
   * Pushes what the peer lacks by vector; returns the peer's root afterwards. The next batch is read while the peer
   * applies this one.
   */
  private Peer push(List<VectorEntry> peerVector, TreeRoot peerRoot) throws SyncException {
    Changes batch = Batches.next(local, peerVector, options.batchCells(), options.maxMessageBytes());
    while (!batch.envelopes().isEmpty() || Vectors.gap(batch.covers(), peerVector) > 0) {
      // (an empty batch still tells the peer of versions it will never receive because they were superseded)
      Future<Exchanged> acked = ahead(batch);
      List<VectorEntry> expected = Vectors.merge(peerVector, batch.covers());
      Changes next = batch.more()
          ? Batches.next(local, expected, options.batchCells(), options.maxMessageBytes()) : null;
      Ack ack = expect(collect(acked), Ack.class);
      cellsSent += batch.envelopes().size();
      payloadSent += payloadBytesOf(batch.envelopes());
      if (Vectors.gap(peerVector, ack.vector()) > 0) {
        // A replica's vector only grows. An ack that goes back would have this side push again from further back,
        // and one that goes back differently each time, forever (found by HostilePeerProperties).
        throw new SyncException(Kind.REJECTED, "the peer acknowledged a batch with a version vector that lacks "
            + Vectors.gap(peerVector, ack.vector()) + " versions it said it held before; stopping rather than push"
            + " the same versions again");
      }
      if (Vectors.same(ack.vector(), peerVector) && !batch.envelopes().isEmpty()) {
        throw new SyncException(Kind.REJECTED, "the peer acknowledged a batch without advancing its version vector;"
            + " stopping rather than send it again");
      }
      peerVector = ack.vector();
      peerRoot = ack.root();
      workDone = pullTotal + Vectors.gap(localAtStart, peerAtStart) - Vectors.gap(localAtStart, peerVector);
      report();
      if (next == null) {
        break;
      }
      batch = Vectors.gap(expected, peerVector) == 0 ? next
          : Batches.next(local, peerVector, options.batchCells(), options.maxMessageBytes());
    }
    return new Peer(peerVector, peerRoot);
  }

  /** What this side last heard of the peer's state. */
  private record Peer(List<VectorEntry> vector, TreeRoot root) {}

  /**
   * Sends this side's stable point, adopts the peer's in return (each side drops the tombstones at or below what it
   * adopted); returns the peer as it is afterwards. Compaction changes no vector.
   */
  private Peer exchangeStable(List<VectorEntry> peerVector) throws SyncException {
    Stable reply = expect(exchange(new Stable(local.stableVector(), local.root())), Stable.class);
    local.adoptStable(reply.vector());
    return new Peer(peerVector, reply.root());
  }

  /** One tree reconciliation; returns the peer's root at its end. */
  private Peer reconcile() throws SyncException {
    ReconcileView view = local.reconcileView();
    Reconciliation<?> session = Reconciliation.initiate(view.tree(), options.reconcile());
    FoundRows found = new FoundRows(view);
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    try {
      byte[] next = session.firstMessage();
      Peer peer;
      while (true) {
        Reconciled reply = expect(exchange(new Reconcile(id, next)), Reconciled.class);
        byte[] answer = reply.message();
        peer = receiveFound(reply);
        while (reply.more()) {
          if (reply.items().isEmpty()) {
            // More found rows, yet none in this step: asking again would be answered the same.
            throw new SyncException(Kind.RECONCILE, "the peer says it found more rows for this side but sent none;"
                + " stopping rather than ask forever");
          }
          reply = expect(exchange(new Reconcile(id, null)), Reconciled.class);
          peer = receiveFound(reply);
        }
        next = answer == null ? null : session.receive(answer);
        found.collect(session);
        Peer afterPush = pushFound(found);
        peer = afterPush == null ? peer : afterPush;
        if (next == null) {
          return peer;
        }
      }
    } catch (ReconcileException e) {
      throw new SyncException(Kind.RECONCILE, e.getMessage(), e);
    }
  }

  private Peer receiveFound(Reconciled reply) throws SyncException {
    receive(new Changes(reply.senderVector(), List.of(), reply.items(), false));
    return new Peer(reply.senderVector(), reply.root());
  }

  /** Sends the rows found for the peer so far, with no vector promise; returns the peer's state after, or null. */
  private Peer pushFound(FoundRows found) throws SyncException {
    Peer peer = null;
    for (List<Envelope> rows; !(rows = found.next(options.batchCells(), options.maxMessageBytes())).isEmpty(); ) {
      Ack ack = send(new Changes(local.vector(), List.of(), rows, false));
      peer = new Peer(ack.vector(), ack.root());
    }
    return peer;
  }

  private Ack send(Changes batch) throws SyncException {
    Ack ack = expect(exchange(batch), Ack.class);
    cellsSent += batch.envelopes().size();
    payloadSent += payloadBytesOf(batch.envelopes());
    return ack;
  }

  private void receive(Changes batch) throws SyncException {
    if (!batch.envelopes().isEmpty() || !batch.covers().isEmpty()) {
      cellsApplied += local.apply(batch);
    }
    cellsReceived += batch.envelopes().size();
    payloadReceived += payloadBytesOf(batch.envelopes());
  }

  private void report() {
    progress.accept(new SyncProgress(phase, cellsReceived, cellsSent, workDone, workTotal));
  }

  private Message exchange(Message request) throws SyncException {
    return checked(exchangeRaw(request));
  }

  private Message exchangeRaw(Message request) throws SyncException {
    return counted(transmit(request));
  }

  /** One request and its reply, not yet counted: the transmission may run on the look-ahead thread. */
  private record Exchanged(Message reply, int sent, int received) {}

  private Exchanged transmit(Message request) throws SyncException {
    byte[] out = codec.encode(request);
    byte[] in;
    try {
      in = transport.exchange(out);
    } catch (IOException e) {
      throw SyncException.talkingToPeer("the peer could not be reached or broke off", e);
    }
    try {
      return new Exchanged(codec.decode(in), out.length, in.length);
    } catch (WireException e) {
      throw new SyncException(Kind.MALFORMED, "the peer's answer could not be read: " + e.getMessage(), e);
    }
  }

  private Message counted(Exchanged e) {
    roundTrips++;
    bytesSent += e.sent();
    bytesReceived += e.received();
    return e.reply();
  }

  /** Sends {@code request} on the look-ahead thread; {@link #collect} its reply. One at a time. */
  private Future<Exchanged> ahead(Message request) {
    return ahead.submit(() -> transmit(request));
  }

  private Message collect(Future<Exchanged> pending) throws SyncException {
    try {
      return checked(counted(pending.get()));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SyncException s) {
        throw s;
      }
      throw new SyncException(Kind.INTERNAL, "sending failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SyncException(Kind.UNAVAILABLE, "interrupted while waiting for the peer", e);
    }
  }

  private Message checked(Message reply) throws SyncException {
    if (reply instanceof Failure f) {
      String told = f.message().length() <= MAX_PEER_TEXT ? f.message()
          : f.message().substring(0, MAX_PEER_TEXT) + "... (" + f.message().length() + " characters)";
      if (!CODES.contains(f.code())) {
        // The code is what programs act on: a peer's word outside the stable set is not passed on as one.
        String code = f.code().length() <= 40 ? f.code() : f.code().substring(0, 40) + "...";
        throw new SyncException(Kind.MALFORMED, "the peer refused with a code this side does not know ('" + code
            + "'): " + told);
      }
      Kind kind = Kind.of(f.code());
      String message = "the peer refused: " + told;
      if (kind == Kind.SCHEMA && f.detail() != null) {
        message += ": " + String.join("; ", local.schemaDifferences(f.detail()))
            + ". Migrate both replicas to the same tracked tables and columns, then sync again";
      } else if (kind == Kind.SCHEMA && local.encrypted()) {
        // A relay compares fingerprints keyed with the space key, before any key check it cannot verify.
        message += ". A server knows an encrypted space's schema only by a fingerprint keyed with the space key, so a"
            + " wrong passphrase looks the same: check the passphrase first";
      }
      throw new SyncException(kind, message);
    }
    return reply;
  }

  private static <T extends Message> T expect(Message reply, Class<T> type) throws SyncException {
    if (!type.isInstance(reply)) {
      throw new SyncException(Kind.MALFORMED, "the peer answered with a " + WireCodec.kind(reply) + " message where a "
          + type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + " was due");
    }
    return type.cast(reply);
  }

  private static boolean same(TreeRoot a, TreeRoot b) {
    return a.count() == b.count() && Arrays.equals(a.digest(), b.digest());
  }

  private static long payloadBytesOf(List<Envelope> envelopes) {
    long n = 0;
    for (Envelope e : envelopes) {
      n += e.payload().length;
    }
    return n;
  }
}
