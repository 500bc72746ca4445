package dev.lattice.driver;

import dev.lattice.core.ClockBound;
import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.capture.ConnectionHooks;
import dev.lattice.driver.capture.MergeSession;
import dev.lattice.driver.capture.ReplicaEngine;
import dev.lattice.merkle.CellId;
import dev.lattice.merkle.CellIdHasher;
import dev.lattice.merkle.NodeSummary;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.sqlite.SQLiteConnection;

/**
 * A database seen as a Lattice replica: the Java API over what {@code jdbc:lattice:} captures.
 *
 * <pre>{@code
 * try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:notes.db")) {
 *   Replica replica = Replica.of(c);
 *   replica.track("notes");                         // capture every write to notes from now on
 *   c.createStatement().execute("INSERT INTO notes VALUES ('n1', 'hello')");
 *   try (ChangeStream changes = replica.changesSince(VersionVector.empty())) {
 *     for (Change change; (change = changes.next()) != null; ) {
 *       System.out.println(change);
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>A replica works through the connection it was given, inside that connection's transaction if one is open; it
 * does not own or close the connection, and like the connection it is not safe for concurrent use. Any connection to
 * the database will do, a plain {@code jdbc:sqlite:} one included: capture is done by triggers in the database.
 */
public final class Replica {
  /** How far ahead of this replica's clock an incoming change may be stamped, by default. */
  public static final Duration DEFAULT_MAX_CLOCK_DRIFT = ClockBound.DEFAULT_MAX_DRIFT;

  /** Cells per transaction when syncing, by default: big enough to amortise commits, small enough to stream. */
  public static final int DEFAULT_BATCH_CELLS = 5_000;

  private final Connection connection;
  /**
   * What merges keep between batches: a driver connection's, or one kept for this replica's owner
   * ({@link #keepingMergeState}); null: each batch prepares its own.
   */
  private final MergeSession merges;
  private final Clock clock;
  private final Duration maxClockDrift;

  private Replica(Connection connection, MergeSession merges, Clock clock, Duration maxClockDrift) {
    this.connection = connection;
    this.merges = merges;
    this.clock = clock;
    this.maxClockDrift = maxClockDrift;
  }

  /** The replica behind {@code connection}, a connection to a SQLite database. */
  public static Replica of(Connection connection) {
    Objects.requireNonNull(connection, "connection");
    return new Replica(engineSide(connection), mergeSession(connection), Clock.systemUTC(), DEFAULT_MAX_CLOCK_DRIFT);
  }

  /** A driver connection's merge session, kept for its life; null for any other connection. */
  private static MergeSession mergeSession(Connection connection) {
    try {
      return connection.isWrapperFor(ConnectionHooks.class) ? connection.unwrap(ConnectionHooks.class).mergeSession()
          : null;
    } catch (SQLException closed) {
      return null; // its first use will say it is closed
    }
  }

  /**
   * The sqlite-jdbc connection under a {@code jdbc:lattice:} one: Lattice's own schema statements must not be taken
   * for the application's, which the driver connection follows.
   */
  private static Connection engineSide(Connection connection) {
    try {
      return connection.isWrapperFor(SQLiteConnection.class) ? connection.unwrap(SQLiteConnection.class) : connection;
    } catch (SQLException closed) {
      return connection; // its first use will say it is closed
    }
  }

  /** This replica, judging incoming clocks against {@code clock} (tests pass a fixed one). */
  public Replica withClock(Clock clock) {
    return new Replica(connection, merges, Objects.requireNonNull(clock, "clock"), maxClockDrift);
  }

  /** This replica, accepting incoming changes stamped at most {@code drift} ahead of its clock. */
  public Replica withMaxClockDrift(Duration drift) {
    if (drift.isNegative()) {
      throw new IllegalArgumentException("the allowed clock drift must be >= 0, was " + drift);
    }
    return new Replica(connection, merges, clock, drift);
  }

  /**
   * This replica, keeping what its merges prepare (the registry of tracked tables, the statements that read and write
   * metadata and rows) from one {@link #apply} to the next until the connection closes, and following schema changes
   * meanwhile. For an owner that applies many batches through one replica for its connection's life, as a sync store
   * does: small batches then merge about twice as fast ({@code bench/run merge --batch 10}). A {@code jdbc:lattice:}
   * connection's replicas keep them already; on another connection, a replica made this way and dropped leaves its
   * statements open until the connection closes.
   */
  public Replica keepingMergeState() {
    return merges != null ? this : new Replica(connection, ReplicaEngine.mergeSession(connection), clock, maxClockDrift);
  }

  /** This replica's site id, created and stored in the database on first use. */
  public SiteId siteId() throws SQLException {
    return ReplicaEngine.siteId(connection);
  }

  /**
   * Starts capturing every write to {@code table}, from any writer, and records the rows already in it as changes.
   * Idempotent. Throws {@link SQLException} naming the table, the reason and the fix if the table cannot be tracked
   * safely; risks that do not prevent tracking come back as {@link TrackReport#warnings()}.
   */
  public TrackReport track(String table) throws SQLException {
    return track(table, TrackOptions.DEFAULT);
  }

  /** As {@link #track(String)}, with columns that merge other than last-writer-wins (see {@link TrackOptions}). */
  public TrackReport track(String table, TrackOptions options) throws SQLException {
    return ReplicaEngine.track(connection, table, Objects.requireNonNull(options, "options"));
  }

  /**
   * Whether {@code table} could be tracked with {@code options}, and the risks tracking would warn about, without
   * tracking it or writing anything to the database.
   */
  public TrackCheck inspect(String table, TrackOptions options) throws SQLException {
    return ReplicaEngine.inspect(connection, table, Objects.requireNonNull(options, "options"));
  }

  /** Stops capture on {@code table}, keeping its metadata; returns false if it was not tracked. */
  public boolean untrack(String table) throws SQLException {
    return ReplicaEngine.untrack(connection, table);
  }

  /** The tables whose writes are captured, in the order they were first tracked. */
  public List<String> trackedTables() throws SQLException {
    return ReplicaEngine.trackedTables(connection);
  }

  /** For each site, the highest sequence number this replica holds; its own site included once it wrote. */
  public VersionVector versionVector() throws SQLException {
    return ReplicaEngine.versionVector(connection);
  }

  /**
   * The current cell versions a peer whose vector is {@code peer} lacks, streamed in a stable order (see
   * {@link ChangeStream}). {@code VersionVector.empty()} streams every current cell version. Close the stream.
   */
  public ChangeStream changesSince(VersionVector peer) throws SQLException {
    return ReplicaEngine.changesSince(connection, Objects.requireNonNull(peer, "peer"));
  }

  /**
   * Folds captured writes into Lattice's per-row clocks now; returns the number of log rows folded. Reads through
   * this API fold first, so calling this is needed only before reading the {@code lattice_changes} view from SQL.
   */
  public long fold() throws SQLException {
    return ReplicaEngine.fold(connection);
  }

  /**
   * Applies a peer's changes in one transaction: all of it or, on any error, none of it. Each cell keeps the winning
   * version (higher causal length, then clock, then site id), so batches may arrive in any order, any number of times.
   * Applied changes are not captured again as local writes. Throws {@link SQLException} naming the problem, with the
   * database unchanged, for a table or column not tracked here, a malformed change, or a change stamped further ahead
   * of this replica's clock than {@link #withMaxClockDrift allowed}.
   */
  public MergeResult apply(ChangeBatch batch) throws SQLException {
    return ReplicaEngine.apply(connection, merges, Objects.requireNonNull(batch, "batch"), clock.millis(),
        maxClockDrift.toMillis());
  }

  /**
   * Exchanges with {@code other} exactly the changes each lacks according to their version vectors, both ways, in
   * batches of {@value #DEFAULT_BATCH_CELLS} cells, then their {@linkplain #stablePoint() stable points}; if their
   * {@linkplain #merkleRoot() roots} still differ, each offers the other everything it holds. Returns what was applied
   * on both sides together. Refuses, naming the differences, when the two track different
   * {@linkplain #schema() schemas}.
   */
  public MergeResult syncWith(Replica other) throws SQLException {
    return syncWith(other, DEFAULT_BATCH_CELLS);
  }

  /** As {@link #syncWith(Replica)}, in batches of about {@code batchCells} cells (a row is never split). */
  public MergeResult syncWith(Replica other, int batchCells) throws SQLException {
    if (batchCells < 1) {
      throw new IllegalArgumentException("batchCells must be >= 1, was " + batchCells);
    }
    List<String> differences = schema().differences(other.schema());
    if (!differences.isEmpty()) {
      throw new SQLException("cannot sync: the two replicas track different schemas: " + String.join("; ",
          differences) + ". Fix: run the same migrations on both, then sync again; nothing was exchanged",
          SqlStates.ACCESS_RULE_VIOLATION);
    }
    MergeResult pulled = ReplicaEngine.pull(other.connection, connection, batchCells, this::apply);
    MergeResult both = pulled.plus(ReplicaEngine.pull(connection, other.connection, batchCells, other::apply));
    adoptStablePoint(other.stablePoint());
    other.adoptStablePoint(stablePoint());
    if (!merkleRoot().equals(other.merkleRoot())) {
      // A version both vectors count that one side does not hold: a key re-inserted after its tombstone was dropped
      // on one side and ignored by the other while it still held the tombstone (perhaps in an earlier sync with a
      // third replica), or a version that came inside a reconciliation. Vectors cannot name it, so only offering
      // everything brings it, as the protocol's tree reconciliation does.
      both = both.plus(ReplicaEngine.pullAll(other.connection, batchCells, this::apply))
          .plus(ReplicaEngine.pullAll(connection, batchCells, other::apply));
    }
    return both;
  }

  /**
   * The root of this replica's reconciliation tree: how many current cell versions it holds and their digest. Two
   * replicas holding the same state have equal roots, whatever history brought them there; see
   * {@link dev.lattice.merkle.MerkleTree}. The tree is kept in memory per database file and brought up to date here,
   * at a cost that follows the writes and merges since it was last brought up to date (the first call in a process
   * builds it from metadata). Call it outside a transaction: the root describes committed state.
   */
  public NodeSummary merkleRoot() throws SQLException {
    return merkleRoot(CellIdHasher.unkeyed());
  }

  /**
   * As {@link #merkleRoot()}, with cell ids from {@code hasher}: an end-to-end encrypted space keys its cell ids, so
   * that its tree means nothing to anyone without the space's key.
   */
  public NodeSummary merkleRoot(CellIdHasher hasher) throws SQLException {
    return ReplicaEngine.merkleRoot(connection, Objects.requireNonNull(hasher, "hasher"));
  }

  /**
   * A copy of the reconciliation tree under {@code hasher}, brought up to date first, for a reconciliation session
   * that must not see the replica change under it. Costs a copy of the tree (about 40 bytes per cell); call it
   * outside a transaction.
   */
  public TreeSnapshot treeSnapshot(CellIdHasher hasher) throws SQLException {
    return ReplicaEngine.treeSnapshot(connection, Objects.requireNonNull(hasher, "hasher"));
  }

  /** The id of {@code change}'s cell under {@code hasher}: the id its item has in {@link #treeSnapshot}. */
  public static CellId cellId(CellIdHasher hasher, Change change) {
    return ReplicaEngine.cellId(hasher, change);
  }

  /**
   * What a peer whose vector is {@code peer} lacks, in batches of about {@code batchCells} cells (a row starting a new
   * life is never split) for {@link #apply} on the peer. Close it.
   */
  public ChangeBatches batchesSince(VersionVector peer, int batchCells) throws SQLException {
    return ReplicaEngine.batchesSince(connection, Objects.requireNonNull(peer, "peer"), batchCells);
  }

  /**
   * Numbers for sync the rows inserted here into numbered tables ({@link TrackOptions#numbered()}) since they were last
   * settled: each moves, with the rows referencing it through declared foreign keys, to a number {@code source} hands
   * out, in one transaction, and its moves are captured as changes. Until then such rows are provisional and this
   * replica refuses to read changes to send ({@link #batchesSince}, {@link #changesSince}). Returns the moves, which
   * the application may need to follow (an id it holds).
   *
   * @param source the space's one source of numbers: the sync server, or the device that serves the others
   */
  public List<Renumbering> settle(NumberSource source) throws SQLException {
    return ReplicaEngine.settle(connection, Objects.requireNonNull(source, "source"));
  }

  /**
   * Each numbered table's highest settled number and how many rows wait to be settled: what to tell the number source
   * before {@link #settle}. Empty when no row waits to be settled.
   */
  public List<NumberedTable> numbering() throws SQLException {
    return ReplicaEngine.numbering(connection);
  }

  /**
   * This replica as the space's number source, for a device that serves the others: a counter per numbered table (per
   * prefix of a composite key), kept in its database. A space must have exactly one source ({@link NumberSource}).
   */
  public NumberSource numberSource() {
    return (counter, highestKnown, count) -> ReplicaEngine.allocateNumbers(connection, counter, highestKnown, count);
  }

  /** The tracked tables as peers compare them before syncing. */
  public TrackedSchema schema() throws SQLException {
    return ReplicaEngine.schema(connection);
  }

  /**
   * Gives this replica a new random site id, keeping its data and everything it has synced: what it wrote under the
   * old id stays attributed to the old id, which becomes an ordinary other site whose writes this replica holds up to
   * its last sequence number. Use it when a database file is restored from a backup or copied: the original may still
   * be writing under the old id (or already wrote past the backup), and two replicas writing under one id would make
   * peers ignore one of them. Returns the new site id. Call it outside a transaction.
   */
  public SiteId renewSiteId() throws SQLException {
    return ReplicaEngine.renewSiteId(connection);
  }

  /**
   * This replica's stable point: a vector every replica of its space is known to hold, learned from a peer (the
   * reference server finds it from every device's vector). Tombstones at or below it have been dropped. Empty until
   * one is learned.
   */
  public VersionVector stablePoint() throws SQLException {
    return ReplicaEngine.stablePoint(connection);
  }

  /**
   * Raises the {@linkplain #stablePoint() stable point} towards {@code point}, never beyond this replica's own
   * vector, and drops the tombstones (deleted rows' clocks) at or below it; returns how many were dropped. From then
   * on a merge ignores every version at or below the point: this replica merged it long ago, or its row's tombstone
   * was dropped here and an old life or tombstone (from a replica that has not compacted yet, or a replayed batch)
   * must not come back. Only a point that every replica of the space holds may be given; the sync protocol passes on
   * the server's. Call it outside a transaction.
   */
  public long adoptStablePoint(VersionVector point) throws SQLException {
    return ReplicaEngine.adoptStablePoint(connection, Objects.requireNonNull(point, "point"));
  }

  /**
   * Drops every tombstone at or below the {@linkplain #stablePoint() stable point} still held; returns how many. A
   * merge or {@link #adoptStablePoint} drops them as they come, so this finds something only in a database written
   * by other means. Call it outside a transaction.
   */
  public long dropStableTombstones() throws SQLException {
    return ReplicaEngine.dropStableTombstones(connection);
  }

  /**
   * How many tombstones (deleted rows' clocks) this replica keeps: deletes that some replica of the space may not
   * have yet, or that no {@linkplain #stablePoint() stable point} covers yet.
   */
  public long tombstones() throws SQLException {
    return ReplicaEngine.tombstones(connection);
  }

  /** The concurrent edits recorded on this replica, oldest first. */
  public List<Conflict> conflicts() throws SQLException {
    return ReplicaEngine.conflicts(connection);
  }

  /**
   * Resolves a conflict: {@code takeLoser} writes the losing value into the table as an ordinary change that syncs;
   * otherwise the winner stays. To settle on a third value, write it with SQL and resolve keeping the winner. Returns
   * false if there is no such conflict.
   */
  public boolean resolve(long conflictId, boolean takeLoser) throws SQLException {
    return ReplicaEngine.resolve(connection, conflictId, takeLoser);
  }

  /** Forgets every recorded conflict; returns how many there were. */
  public long clearConflicts() throws SQLException {
    return ReplicaEngine.clearConflicts(connection);
  }

  @Override
  public String toString() {
    return "Replica[" + connection + "]";
  }
}
