package dev.lattice.driver.capture;

import dev.lattice.core.CellVersion;
import dev.lattice.core.RowMerge;
import dev.lattice.core.SiteId;
import dev.lattice.core.StablePoint;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeBatch;
import dev.lattice.driver.MergeResult;
import dev.lattice.driver.Renumbering;
import dev.lattice.driver.SqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a peer's changes: the CRDT merge, as {@link RowMerge} decides it, written to this replica's tables.
 *
 * <h2>Model</h2>
 *
 * Every cell keeps only its winning version under {@link CellVersion#ORDER}. A row's life is its causal length
 * {@code cl}: odd alive, even deleted, each insert or delete moving it up by one. A version with a higher {@code cl}
 * beats every version of an older life, so a delete beats the writes it saw, a re-insert beats the delete, and a late
 * column write from an older life can never bring a deleted row back. Within one life each column is
 * last-writer-wins by clock, then site id. Taking the maximum under a total order is idempotent, commutative and
 * associative, which is what makes replicas converge whatever order and however often batches arrive.
 *
 * <h2>Per row</h2>
 *
 * The batch's changes are grouped by row. For each row the folded local state ({@link HeldRow}) is read, the incoming
 * row version and cells are decided against it, and the result is written back canonically ({@link MergeMetadata}):
 * the row version, and a {@code lattice_cols} entry for exactly the columns whose version differs from it. The
 * application's row is then deleted, inserted whole (a new life: every column of that life is in the batch) or updated
 * in the columns that changed ({@link TableWriter}). {@code lattice_applying} holds a row meanwhile, so capture
 * triggers stay silent.
 *
 * <h2>Conflicts</h2>
 *
 * When an incoming version and the local version of a cell are different writes in the same life, and the sender had
 * not seen the local version ({@link ChangeBatch#senderVector()} does not cover it), neither writer saw the other:
 * the loser is recorded in {@code lattice_conflict_log}, unless both hold the same value, where nothing was lost. A
 * conflict is thus recorded by the replica where the two versions first meet; a replica that receives the winner from
 * a peer that had already seen both does not record it again.
 *
 * <h2>Counters</h2>
 *
 * A counter column's value is the sum of one contribution per site, each versioned by its site's sequence number (a
 * site's contribution only ever moves with its own writes). Incoming contributions replace older ones of the same
 * site; the cell becomes the sum. Concurrent increments therefore add up instead of one overwriting the other.
 *
 * <h2>Clocks</h2>
 *
 * A change stamped beyond the clock bound rejects the whole batch ({@link MergeValidation}): a device with a broken
 * clock must not drag every replica's clock forward. Otherwise {@code lattice_clock} rises to the highest stamp
 * received, and local stamps stay above it.
 */
final class Merger {
  private final Connection c;
  private final ChangeBatch batch;
  private final MergeSession session;
  private final Map<String, TrackedTables.Registered> tables;
  private final SiteOrdinals sites;
  private final MergeMetadata metadata;
  private final VersionVector heldBefore;
  private final StablePoint stable;
  private boolean belowWatermark;
  private long applied;
  private long ignored;
  private long conflicts;

  private Merger(Connection c, ChangeBatch batch, MergeSession session) throws SQLException {
    this.c = c;
    this.batch = batch;
    this.session = session;
    this.tables = session.tables();
    this.sites = SiteOrdinals.load(c);
    this.metadata = session.metadata(sites);
    this.heldBefore = session.versionVector(); // this replica's own entry is its highest local sequence number
    this.stable = new StablePoint(session.stablePoint());
  }

  /**
   * Applies {@code batch} atomically: all of it or, on any error, none of it.
   *
   * @param nowMillis this replica's wall clock
   * @param maxDriftMillis how far ahead of {@code nowMillis} an incoming stamp may be
   */
  static MergeResult apply(Connection c, MergeSession session, ChangeBatch batch, long nowMillis,
      long maxDriftMillis) throws SQLException {
    Map<String, TrackedTables.Registered> tables = session.tables();
    if (tables.isEmpty() && !LatticeSchema.exists(c)) {
      throw new SQLException("cannot apply changes: this database tracks no tables yet. Track the same tables as the"
          + " sending replica first (Replica.track or SELECT lattice_track('name'))",
          SqlStates.OBJECT_NOT_IN_PREREQUISITE_STATE);
    }
    MergeValidation.check(batch, tables, nowMillis, maxDriftMillis);
    boolean ownTransaction = c.getAutoCommit();
    // Merging never fails on foreign keys: a child may arrive before its parent, and a parent deleted on one device
    // while a child was added on another leaves an orphan on every replica alike (PRAGMA foreign_key_check lists it).
    // Enforcement would also fire ON DELETE actions that capture cannot see. The pragma is a no-op inside a
    // transaction, where deferring the checks to the caller's commit is the most we can do.
    boolean restoreForeignKeys = ownTransaction && foreignKeysOn(session);
    if (restoreForeignKeys) {
      session.statement("PRAGMA foreign_keys = OFF").execute();
    } else if (!ownTransaction) {
      session.statement("PRAGMA defer_foreign_keys = ON").execute();
    }
    try {
      return Transactions.write(c, "lattice_merge", () -> {
        LogFold.foldDue(c, session.pendingLogRows()); // local writes must be in lattice_rows/lattice_cols to be compared
        // Provisional rows leave the numbers the batch names, before it lands.
        List<Renumbering> moved = Numbering.makeRoom(c, session, batch.changes());
        MergeResult merged = new Merger(c, batch, session).mergeBatch();
        return moved.isEmpty() ? merged : new MergeResult(merged.cellsApplied(), merged.cellsIgnored(),
            merged.conflicts(), moved);
      });
    } finally {
      if (restoreForeignKeys) {
        session.statement("PRAGMA foreign_keys = ON").execute();
      }
    }
  }

  private MergeResult mergeBatch() throws SQLException {
    run("INSERT INTO lattice_applying(x) VALUES (1)");
    Map<String, List<Change>> rows = new LinkedHashMap<>();
    for (Change change : batch.changes()) {
      if (stable.covers(version(change))) {
        ignored++;
        continue;
      }
      rows.computeIfAbsent(change.table() + '\u0000' + keyString(change.pk()), k -> new ArrayList<>()).add(change);
    }
    long highestStamp = 0;
    for (List<Change> row : rows.values()) {
      mergeRow(tables.get(row.get(0).table()), row.get(0).pk(), row);
      for (Change change : row) {
        highestStamp = Math.max(highestStamp, change.hlc());
      }
    }
    for (Map.Entry<SiteId, Long> covered : batch.covers().entries().entrySet()) {
      int ord = sites.ordinal(covered.getKey());
      if (ord != LatticeSchema.LOCAL_SITE) {
        run("INSERT INTO lattice_vv(site, seq) VALUES (?, ?) ON CONFLICT(site) DO UPDATE SET"
            + " seq = max(seq, excluded.seq)", ord, covered.getValue());
      }
    }
    run("UPDATE lattice_clock SET hlc = max(hlc, ?) WHERE id = 1", highestStamp);
    if (belowWatermark) {
      ReplicaTree.invalidate(c);
    }
    run("DELETE FROM lattice_applying");
    return new MergeResult(applied, ignored, conflicts);
  }

  /** Keys are compared as text here only to group a batch; byte[] keys need a content-based form. */
  private static String keyString(Object pk) {
    Object key = Sql.normalize(pk); // an Integer key from an application's hand-built change is the same row as a Long
    return key instanceof byte[] b ? "x" + HexFormat.of().formatHex(b) : key.getClass().getName() + key;
  }

  /** One row of the batch: its versions decided, then its metadata and application row written. */
  private void mergeRow(TrackedTables.Registered table, Object pk, List<Change> incoming) throws SQLException {
    TableShape shape = table.shape();
    HeldRow held = metadata.heldRow(table.id(), pk, shape.columns().size());
    List<CellVersion> rowVersions = new ArrayList<>();
    for (Change change : incoming) {
      if (change.isRowCell()) {
        rowVersions.add(version(change));
      }
    }
    CellVersion winner = RowMerge.winningRowVersion(held.version, rowVersions);
    CellVersion row = winner != null ? winner : held.version;
    if (row == null) {
      // Cells of a row this replica has never held, without the row version that starts its life: there is no life
      // to put them in. Only a batch that breaks the contract (every cell of a new life travels with its row version)
      // or a peer that withheld the row version while claiming to cover it gets here; a reconciliation brings the row
      // whole.
      ignored += incoming.size();
      return;
    }
    for (CellVersion v : rowVersions) {
      if (winner != null && winner.sameWrite(v)) {
        applied++;
      } else {
        ignored++;
      }
    }
    if (winner != null && RowMerge.changesLife(held.version, winner) && !shape.counters().isEmpty()) {
      metadata.clearContributions(table.id(), pk); // a new life, or a death, starts every counter afresh
    }
    RowWork work = new RowWork(table, pk, held, row, winner != null && RowMerge.beginsLife(held.cl(), winner));
    if (row.alive()) {
      for (Change change : incoming) {
        if (!change.isRowCell()) {
          mergeCell(work, change);
        }
      }
      completeLife(work);
    }
    if (work.nothingChanged()) {
      return;
    }
    for (Change change : incoming) {
      // A version this replica's vector already counted (a reconciliation repairing a gap that vectors cannot
      // see): the trees find changed rows by versions above the vector, so they must be rebuilt to see this one.
      belowWatermark |= heldBefore.covers(change.site(), change.seq());
    }
    writeVersions(work);
    writeRow(work);
  }

  /** An incoming column version or counter contribution of a living row. */
  private void mergeCell(RowWork work, Change change) throws SQLException {
    TableShape shape = work.table.shape();
    int i = shape.columns().indexOf(change.column());
    CellVersion theirs = version(change);
    if (shape.isCounter(i)) {
      RowMerge.Verdict verdict = RowMerge.contribution(theirs,
          metadata.contribution(work.table.id(), work.pk, i, work.row.cl(), theirs.site()), work.row.cl());
      refuseUncarriedLife(verdict, change);
      if (verdict == RowMerge.Verdict.WINS) {
        metadata.putContribution(work.table.id(), work.pk, i, change);
        work.changed[i] = true;
        applied++;
      } else {
        ignored++;
      }
      return;
    }
    CellVersion ours = work.versions[i];
    RowMerge.Verdict verdict = RowMerge.column(theirs, ours, work.row.cl());
    refuseUncarriedLife(verdict, change);
    if (verdict != RowMerge.Verdict.WINS && verdict != RowMerge.Verdict.LOSES) {
      ignored++;
      return;
    }
    boolean wins = verdict == RowMerge.Verdict.WINS;
    // A column an earlier change of this batch replaced holds no write of this replica's any more.
    if (ours != null && !work.newLife && !work.changed[i] && senderHadNotSeen(ours)) {
      recordConflictUnlessEqual(work, i, change, wins);
    }
    if (wins) {
      work.take(i, theirs, change.value());
      applied++;
    } else {
      ignored++;
    }
  }

  /** Whether the batch's sender wrote without having seen {@code ours}: then the two writes are concurrent. */
  private boolean senderHadNotSeen(CellVersion ours) {
    return !batch.senderVector().covers(ours.site(), ours.seq());
  }

  /** Records the loser of two concurrent writes of column {@code i}, unless both wrote the same value. */
  private void recordConflictUnlessEqual(RowWork work, int i, Change change, boolean theirsWins)
      throws SQLException {
    CellVersion ours = work.versions[i];
    CellVersion theirs = version(change);
    Object oursValue = work.heldValue(i);
    CellVersion loser = theirsWins ? ours : theirs;
    // Equal values lose nothing; a migration's default (stamped with its row's clock) is not an edit.
    if (Objects.deepEquals(oursValue, change.value()) || isMigrationDefault(loser, work.row)) {
      return;
    }
    metadata.recordConflict(work.table.id(), work.pk, i, theirsWins ? change.value() : oursValue,
        theirsWins ? theirs : ours, theirsWins ? oursValue : change.value(), loser, work.row.cl());
    conflicts++;
  }

  /**
   * True for the version an added column's default was logged with when a replica migrated: its row's clock, from
   * another write than the row's (see {@code SchemaEvolution}). Every real write is stamped later than its row.
   */
  private static boolean isMigrationDefault(CellVersion column, CellVersion row) {
    return column.hlc() == row.hlc() && !column.sameWrite(row);
  }

  /**
   * A living row's counters take their sum, and a new life's columns that arrived without a version take their
   * declared default: written before the column existed, on a replica that had not migrated yet, and kept by a
   * relay; ADD COLUMN gave every row that default.
   */
  private void completeLife(RowWork work) throws SQLException {
    TableShape shape = work.table.shape();
    for (int i = 0; i < shape.columns().size(); i++) {
      if (shape.isCounter(i) && (work.changed[i] || work.newLife)) {
        work.values[i] = metadata.contributionSum(work.table.id(), work.pk, i);
        work.changed[i] = true;
      } else if (work.newLife && work.versions[i] == null) {
        work.versions[i] = work.row;
        work.values[i] = writer(shape).columnDefault(i);
        work.changed[i] = true;
      }
    }
  }

  private static void refuseUncarriedLife(RowMerge.Verdict verdict, Change change) throws SQLException {
    if (verdict == RowMerge.Verdict.LIFE_NOT_CARRIED) {
      throw new SQLException("cannot apply changes: " + change + " belongs to a life of the row that the batch"
          + " does not carry; send the row cell with its columns. Nothing from this batch was applied",
          SqlStates.DATA_EXCEPTION);
    }
  }

  /** The row version and the column overrides: exactly the columns whose version differs from the row's. */
  private void writeVersions(RowWork work) throws SQLException {
    int tbl = work.table.id();
    if (work.rowChanged()) {
      metadata.putRowVersion(tbl, work.pk, work.row);
    }
    CellVersion[] wanted = new CellVersion[work.versions.length];
    boolean overridesChange = false;
    for (int i = 0; i < wanted.length; i++) {
      CellVersion v = work.versions[i];
      wanted[i] = work.row.alive() && v != null && !v.sameWrite(work.row) ? v : null;
      CellVersion had = work.held.overrides[i];
      overridesChange |= wanted[i] == null ? had != null : !wanted[i].sameWrite(had);
    }
    if (overridesChange) {
      metadata.replaceOverrides(tbl, work.pk, work.held.hasOverrides(), wanted);
    }
  }

  private void writeRow(RowWork work) throws SQLException {
    TableWriter writer = writer(work.table.shape());
    if (!work.row.alive()) {
      if (work.held.version != null && work.held.version.alive()) {
        writer.delete(work.pk);
      }
    } else if (work.newLife) {
      writer.insertWhole(work.pk, work.values);
    } else {
      writer.update(work.pk, work.values, work.changed);
    }
  }

  private TableWriter writer(TableShape shape) {
    return session.writer(shape);
  }

  /** Runs one of the statements every batch runs, kept by the session. */
  private void run(String sql, Object... args) throws SQLException {
    PreparedStatement p = session.statement(sql);
    Sql.bind(p, 1, args);
    p.executeUpdate();
  }

  private static boolean foreignKeysOn(MergeSession session) throws SQLException {
    try (ResultSet r = session.statement("PRAGMA foreign_keys").executeQuery()) {
      return r.next() && r.getLong(1) == 1;
    }
  }

  private static CellVersion version(Change change) {
    return new CellVersion(change.cl(), change.hlc(), change.site(), change.seq());
  }

  /** What a merge decides for one row, column by column, before it is written. */
  private final class RowWork {
    final TrackedTables.Registered table;
    final Object pk;
    final HeldRow held;
    final CellVersion row;
    final boolean newLife;
    final CellVersion[] versions;
    final Object[] values;
    final boolean[] changed;
    private Object[] heldValues;

    RowWork(TrackedTables.Registered table, Object pk, HeldRow held, CellVersion row, boolean newLife) {
      this.table = table;
      this.pk = pk;
      this.held = held;
      this.row = row;
      this.newLife = newLife;
      int columns = table.shape().columns().size();
      this.versions = new CellVersion[columns];
      this.values = new Object[columns];
      this.changed = new boolean[columns];
      for (int i = 0; i < columns; i++) {
        versions[i] = table.shape().isCounter(i) ? row : newLife ? null : held.columnVersion(i);
      }
    }

    void take(int i, CellVersion version, Object value) {
      versions[i] = version;
      values[i] = value;
      changed[i] = true;
    }

    /** The value column {@code i} holds in the application's table now; read once per row, when first needed. */
    Object heldValue(int i) throws SQLException {
      if (heldValues == null) {
        heldValues = writer(table.shape()).values(pk);
      }
      return heldValues == null ? null : heldValues[i];
    }

    boolean rowChanged() {
      return !row.sameWrite(held.version) || row.cl() != held.cl();
    }

    boolean nothingChanged() {
      if (rowChanged()) {
        return false;
      }
      for (boolean b : changed) {
        if (b) {
          return false;
        }
      }
      return true;
    }
  }
}
