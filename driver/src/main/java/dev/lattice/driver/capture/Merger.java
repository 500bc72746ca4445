package dev.lattice.driver.capture;

import dev.lattice.core.CellVersion;
import dev.lattice.core.ClockBound;
import dev.lattice.core.Hlc;
import dev.lattice.core.RowLife;
import dev.lattice.core.RowMerge;
import dev.lattice.core.SiteId;
import dev.lattice.core.StablePoint;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeBatch;
import dev.lattice.driver.MergeResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a peer's changes: the CRDT merge.
 *
 * <h2>Model</h2>
 *
 * Every cell keeps only its winning version under {@link CellVersion#ORDER}, as {@link RowMerge} decides it. A row's life is its causal length {@code cl}:
 * odd alive, even deleted, each insert or delete moving it up by one. A version with a higher {@code cl} beats every
 * version of an older life, so a delete beats the writes it saw, a re-insert beats the delete, and a late column write
 * from an older life can never bring a deleted row back. Within one life each column is last-writer-wins by clock, then
 * site id. Taking the maximum under a total order is idempotent, commutative and associative, which is what makes
 * replicas converge whatever order and however often batches arrive.
 *
 * <h2>Per row</h2>
 *
 * The batch's changes are grouped by row. For each row the folded local state (row clock, column overrides) is read,
 * the incoming row cell and column cells are decided against it, and the result is written back canonically: the row
 * version, and a {@code lattice_cols} entry for exactly the columns whose version differs from it. The application's
 * row is then deleted, inserted whole (a new life: every column of that life is in the batch) or updated in the
 * columns that changed. {@code lattice_applying} holds a row meanwhile, so capture triggers stay silent.
 *
 * <h2>Conflicts</h2>
 *
 * When an incoming version and the local version of a cell are different writes in the same life, and the sender had
 * not seen the local version ({@link ChangeBatch#senderVector()} does not cover it), neither writer saw the other:
 * the loser is recorded in {@code lattice_conflict_log}, unless both hold the same value, where nothing was lost. A conflict is thus recorded by the replica where the two
 * versions first meet; a replica that receives the winner from a peer that had already seen both does not record it
 * again.
 *
 * <h2>Counters</h2>
 *
 * A counter column's value is the sum of one contribution per site, each versioned by its site's sequence number (a
 * site's contribution only ever moves with its own writes). Incoming contributions replace older ones of the same
 * site; the cell becomes the sum. Concurrent increments therefore add up instead of one overwriting the other.
 *
 * <h2>Clocks</h2>
 *
 * A change stamped more than the allowed drift ahead of this replica's wall clock rejects the whole batch: a device
 * with a broken clock must not drag every replica's clock forward. Otherwise {@code lattice_clock} rises to the highest
 * stamp received, and local stamps stay above it.
 */
final class Merger {
  private final Connection c;
  private final ChangeBatch batch;
  private final Map<String, TrackedTables.Registered> tables = new HashMap<>();
  private final Map<SiteId, Integer> ordinals = new HashMap<>();
  private final Map<Integer, SiteId> sites = new HashMap<>();
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final Map<String, TableSql> tableSql = new HashMap<>();
  private final Map<SiteId, Long> heldBefore = new HashMap<>();
  private final Map<String, Object[]> defaults = new HashMap<>();
  private boolean belowWatermark;
  private StablePoint stable = StablePoint.NONE;
  private long applied;
  private long ignored;
  private long conflicts;

  private Merger(Connection c, ChangeBatch batch) {
    this.c = c;
    this.batch = batch;
  }

  /**
   * Applies {@code batch} atomically: all of it or, on any error, none of it.
   *
   * @param nowMillis this replica's wall clock
   * @param maxDriftMillis how far ahead of {@code nowMillis} an incoming stamp may be
   */
  static MergeResult apply(Connection c, ChangeBatch batch, long nowMillis, long maxDriftMillis) throws SQLException {
    Merger merger = new Merger(c, batch);
    merger.validate(nowMillis, maxDriftMillis);
    boolean ownTransaction = c.getAutoCommit();
    // Merging never fails on foreign keys: a child may arrive before its parent, and a parent deleted on one device
    // while a child was added on another leaves an orphan on every replica alike (PRAGMA foreign_key_check lists it).
    // Enforcement would also fire ON DELETE actions that capture cannot see. The pragma is a no-op inside a
    // transaction, where deferring the checks to the caller's commit is the most we can do.
    boolean restoreForeignKeys = ownTransaction && Sql.oneLong(c, "PRAGMA foreign_keys") == 1;
    if (restoreForeignKeys) {
      Sql.exec(c, "PRAGMA foreign_keys = OFF");
    } else if (!ownTransaction) {
      Sql.exec(c, "PRAGMA defer_foreign_keys = ON");
    }
    try {
      return Transactions.write(c, "lattice_merge", merger::run);
    } finally {
      merger.closeStatements();
      if (restoreForeignKeys) {
        Sql.exec(c, "PRAGMA foreign_keys = ON");
      }
    }
  }

  private void validate(long nowMillis, long maxDriftMillis) throws SQLException {
    if (!LatticeSchema.exists(c)) {
      throw new SQLException("cannot apply changes: this database tracks no tables yet. Track the same tables as the"
          + " sending replica first (Replica.track or SELECT lattice_track('name'))", "55000");
    }
    for (TrackedTables.Registered t : TrackedTables.all(c).values()) {
      if (t.tracked()) {
        tables.put(t.shape().name(), t);
      }
    }
    for (Map.Entry<SiteId, Long> covered : batch.covers().entries().entrySet()) {
      // A sender cannot have sent everything up to a version it has not seen; a batch that says so would leave this
      // replica claiming versions it will then never ask for (found by HostilePeerProperties).
      if (covered.getValue() > batch.senderVector().get(covered.getKey())) {
        throw new SQLException("cannot apply changes: the batch covers site " + covered.getKey() + " up to "
            + covered.getValue() + ", beyond the sender's own vector (" + batch.senderVector().get(covered.getKey())
            + "). Nothing from this batch was applied", "22000");
      }
    }
    for (Change change : batch.changes()) {
      TrackedTables.Registered table = tables.get(change.table());
      if (table == null) {
        throw new SQLException("cannot apply changes: table " + change.table() + " is not tracked on this replica"
            + " (schema mismatch with site " + change.site() + "). Track it here, or stop tracking it there; nothing"
            + " from this batch was applied", "42000");
      }
      if (change.column() != null && !table.shape().columns().contains(change.column())) {
        throw new SQLException("cannot apply changes: table " + change.table() + " has no tracked column "
            + change.column() + " here (schema mismatch with site " + change.site() + "); migrate this replica to the"
            + " same schema first. Nothing from this batch was applied", "42000");
      }
      if (change.cl() < 1 || change.seq() < 1 || (change.column() != null && !change.rowAlive())) {
        throw new SQLException("cannot apply changes: malformed change " + change + " (causal length and sequence"
            + " start at 1; a column value belongs to a live row, whose causal length is odd). Nothing from this"
            + " batch was applied", "22000");
      }
      try {
        PrimaryKeyCodec.decode(change.pk(), table.shape().pkColumns().size());
      } catch (IllegalArgumentException e) {
        throw new SQLException("cannot apply changes: " + e.getMessage() + " in " + change + ". Nothing from this"
            + " batch was applied", "22000", e);
      }
      Object value = change.value();
      if (value != null && !(value instanceof Long || value instanceof Double || value instanceof String
          || value instanceof byte[])) {
        throw new SQLException("cannot apply changes: " + change + " holds a " + value.getClass().getName()
            + "; values are NULL, Long, Double, String or byte[] (SQLite's types). Nothing from this batch was"
            + " applied", "22000");
      }
      if (ClockBound.tooFarAhead(change.hlc(), nowMillis, maxDriftMillis)) {
        throw new SQLException("rejected changes from site " + change.site() + ": stamped " + Hlc.toString(change.hlc())
            + ", " + (Hlc.millis(change.hlc()) - nowMillis) + " ms ahead of this replica's clock, beyond the "
            + maxDriftMillis + " ms allowed. That device's clock is wrong: correct it and sync again. Nothing from"
            + " this batch was applied", "22000");
      }
    }
  }

  private MergeResult run() throws SQLException {
    LogFold.fold(c); // local writes must be in lattice_rows/lattice_cols to be compared
    loadSites();
    loadVector();
    stable = new StablePoint(Compaction.stablePoint(c));
    Sql.exec(c, "INSERT INTO lattice_applying(x) VALUES (1)");
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
      int ord = ordinal(covered.getKey());
      if (ord != LatticeSchema.LOCAL_SITE) {
        Sql.update(c, "INSERT INTO lattice_vv(site, seq) VALUES (?, ?) ON CONFLICT(site) DO UPDATE SET"
            + " seq = max(seq, excluded.seq)", ord, covered.getValue());
      }
    }
    Sql.update(c, "UPDATE lattice_clock SET hlc = max(hlc, ?) WHERE id = 1", highestStamp);
    if (belowWatermark) {
      ReplicaTree.invalidate(c);
    }
    Sql.exec(c, "DELETE FROM lattice_applying");
    return new MergeResult(applied, ignored, conflicts);
  }

  /** Keys are compared as text here only to group a batch; byte[] keys need a content-based form. */
  private static String keyString(Object pk) {
    Object key = Sql.normalize(pk); // an Integer key from an application's hand-built change is the same row as a Long
    return key instanceof byte[] b ? "x" + java.util.HexFormat.of().formatHex(b) : key.getClass().getName() + key;
  }

  private void mergeRow(TrackedTables.Registered table, Object pk, List<Change> incoming) throws SQLException {
    TableShape shape = table.shape();
    int columns = shape.columns().size();
    RowState local = RowState.load(this, table.id(), pk, columns);

    List<CellVersion> rowVersions = new ArrayList<>();
    for (Change change : incoming) {
      if (change.isRowCell()) {
        rowVersions.add(version(change));
      }
    }
    CellVersion winner = RowMerge.winningRowVersion(local.rowVersion, rowVersions);
    CellVersion rowVersion = winner != null ? winner : local.rowVersion;
    long cl = rowVersion == null ? 0 : rowVersion.cl();
    boolean newLife = winner != null && RowMerge.beginsLife(local.cl, winner);
    if (rowVersion == null) {
      // Cells of a row this replica has never held, without the row cell that starts its life: there is no life to
      // put them in. Only a batch that breaks the contract (every cell of a new life travels with its row cell) or a
      // peer that withheld the row cell while claiming to cover it gets here; a reconciliation brings the row whole.
      ignored += incoming.size();
      return;
    }
    for (Change change : incoming) {
      if (change.isRowCell()) {
        if (winner != null && winner.sameWrite(version(change))) {
          applied++;
        } else {
          ignored++;
        }
      }
    }

    CellVersion[] columnVersions = new CellVersion[columns];
    Object[] values = new Object[columns];
    boolean[] changed = new boolean[columns];
    if (winner != null && RowMerge.changesLife(local.rowVersion, winner) && !shape.counters().isEmpty()) {
      clearContributions(table.id(), pk); // a new life, or a death, starts every counter afresh
    }
    if (RowLife.alive(cl)) {
      for (int i = 0; i < columns; i++) {
        columnVersions[i] = shape.isCounter(i) ? rowVersion : newLife ? null : local.columnVersion(i);
      }
      Object[] localValues = null;
      for (Change change : incoming) {
        if (change.isRowCell()) {
          continue;
        }
        int i = shape.columns().indexOf(change.column());
        CellVersion theirs = version(change);
        if (shape.isCounter(i)) {
          RowMerge.Verdict verdict = RowMerge.contribution(theirs, local.contribution(this, table.id(), pk, i,
              theirs.site()), cl);
          refuseUncarriedLife(verdict, change);
          if (verdict == RowMerge.Verdict.WINS) {
            putContribution(table.id(), pk, i, change);
            changed[i] = true;
            applied++;
          } else {
            ignored++;
          }
          continue;
        }
        CellVersion ours = columnVersions[i];
        RowMerge.Verdict verdict = RowMerge.column(theirs, ours, cl);
        refuseUncarriedLife(verdict, change);
        if (verdict != RowMerge.Verdict.WINS && verdict != RowMerge.Verdict.LOSES) {
          ignored++;
          continue;
        }
        boolean wins = verdict == RowMerge.Verdict.WINS;
        if (ours != null && !newLife && !local.isChangedInBatch(i) && !batch.senderVector().covers(ours.site(),
            ours.seq())) {
          if (localValues == null) {
            localValues = local.values(this, shape, pk);
          }
          Object oursValue = localValues == null ? null : localValues[i];
          CellVersion loser = wins ? ours : theirs;
          // Equal values lose nothing; a migration's default (stamped with its row's clock) is not an edit.
          if (!sameValue(oursValue, change.value()) && !isMigrationDefault(loser, rowVersion)) {
            recordConflict(table.id(), pk, i, wins ? change.value() : oursValue, wins ? theirs : ours,
                wins ? oursValue : change.value(), wins ? ours : theirs, cl);
          }
        }
        if (wins) {
          columnVersions[i] = theirs;
          values[i] = change.value();
          changed[i] = true;
          local.markChangedInBatch(i);
          applied++;
        } else {
          ignored++;
        }
      }
      for (int i = 0; i < columns; i++) {
        if (shape.isCounter(i) && (changed[i] || newLife)) {
          values[i] = contributionSum(table.id(), pk, i);
          changed[i] = true;
        } else if (newLife && columnVersions[i] == null) {
          // Written before the column existed (on a replica that had not migrated yet, and kept by a relay): the
          // column holds its declared default in that life, as ADD COLUMN gave every row.
          columnVersions[i] = rowVersion;
          values[i] = columnDefault(shape, i);
          changed[i] = true;
        }
      }
    }

    boolean rowChanged = !rowVersion.sameWrite(local.rowVersion) || cl != local.cl;
    boolean anyColumnChanged = false;
    for (boolean b : changed) {
      anyColumnChanged |= b;
    }
    if (!rowChanged && !anyColumnChanged) {
      return;
    }
    for (Change change : incoming) {
      // A version this replica's vector already counted (a reconciliation repairing a gap that vectors cannot
      // see): the trees find changed rows by versions above the vector, so they must be rebuilt to see this one.
      belowWatermark |= change.seq() <= heldBefore.getOrDefault(change.site(), 0L);
    }
    writeClocks(table.id(), pk, cl, rowVersion, columnVersions, local);
    writeRow(shape, pk, cl, local.cl, newLife, values, changed);
  }

  private static void refuseUncarriedLife(RowMerge.Verdict verdict, Change change) throws SQLException {
    if (verdict == RowMerge.Verdict.LIFE_NOT_CARRIED) {
      throw new SQLException("cannot apply changes: " + change + " belongs to a life of the row that the batch"
          + " does not carry; send the row cell with its columns. Nothing from this batch was applied", "22000");
    }
  }

  private void writeClocks(int tbl, Object pk, long cl, CellVersion row, CellVersion[] columns, RowState local)
      throws SQLException {
    if (cl != local.cl || !row.sameWrite(local.rowVersion)) {
      writeRowClock(tbl, pk, cl, row);
    }
    boolean overridesChange = false;
    for (int i = 0; i < columns.length; i++) {
      CellVersion wanted = RowLife.alive(cl) && columns[i] != null && !columns[i].sameWrite(row) ? columns[i] : null;
      CellVersion had = local.overrides[i];
      overridesChange |= wanted == null ? had != null : !wanted.sameWrite(had);
    }
    if (!overridesChange) {
      return;
    }
    if (local.hasOverrides()) {
      PreparedStatement clear = statement("DELETE FROM lattice_cols WHERE tbl = ? AND pk = ?");
      clear.setInt(1, tbl);
      clear.setObject(2, pk);
      clear.executeUpdate();
    }
    if (!RowLife.alive(cl)) {
      return;
    }
    PreparedStatement insert = statement("INSERT INTO lattice_cols(tbl, pk, col, site, seq, hlc) VALUES (?, ?, ?, ?, ?,"
        + " ?)");
    for (int i = 0; i < columns.length; i++) {
      CellVersion v = columns[i];
      if (v != null && !v.sameWrite(row)) {
        bind(insert, 1, new Object[] {tbl, pk, i, ordinal(v.site()), v.seq(), v.hlc()});
        insert.executeUpdate();
      }
    }
  }

  /** Stores a contribution that won ({@link RowMerge#contribution}) in place of its site's held one. */
  private void putContribution(int tbl, Object pk, int col, Change change) throws SQLException {
    PreparedStatement upsert = statement("INSERT INTO lattice_counters(tbl, pk, col, site, total, seq, hlc)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(tbl, pk, col, site) DO UPDATE SET total = excluded.total,"
        + " seq = excluded.seq, hlc = excluded.hlc");
    bind(upsert, 1, new Object[] {tbl, pk, col, ordinal(change.site()), change.value() == null ? 0L : change.value(),
        change.seq(), change.hlc()});
    upsert.executeUpdate();
  }

  private Object contributionSum(int tbl, Object pk, int col) throws SQLException {
    PreparedStatement sum = statement("SELECT sum(total) FROM lattice_counters WHERE tbl = ? AND pk = ? AND col = ?");
    bind(sum, 1, new Object[] {tbl, pk, col});
    try (ResultSet r = sum.executeQuery()) {
      r.next();
      return Sql.normalize(r.getObject(1));
    }
  }

  private void clearContributions(int tbl, Object pk) throws SQLException {
    PreparedStatement clear = statement("DELETE FROM lattice_counters WHERE tbl = ? AND pk = ?");
    bind(clear, 1, new Object[] {tbl, pk});
    clear.executeUpdate();
  }

  private void writeRowClock(int tbl, Object pk, long cl, CellVersion row) throws SQLException {
    PreparedStatement upsert = statement("INSERT INTO lattice_rows(tbl, pk, cl, site, seq, hlc) VALUES (?, ?, ?, ?, ?,"
        + " ?) ON CONFLICT(tbl, pk) DO UPDATE SET cl = excluded.cl, site = excluded.site, seq = excluded.seq,"
        + " hlc = excluded.hlc");
    bind(upsert, 1, new Object[] {tbl, pk, cl, ordinal(row.site()), row.seq(), row.hlc()});
    upsert.executeUpdate();
  }

  /** The statements that write one application table, built once per table and batch. */
  private record TableSql(String delete, String insert, String where) {
    static TableSql of(TableShape shape) {
      List<String> names = new ArrayList<>(shape.pkColumns());
      names.addAll(shape.columns());
      String where = RowLookup.whereKey(shape);
      return new TableSql("DELETE FROM " + Sql.id(shape.name()) + " WHERE " + where,
          "INSERT OR REPLACE INTO " + Sql.id(shape.name()) + "(" + String.join(", ", names.stream().map(Sql::id)
              .toList()) + ") VALUES (" + String.join(", ", names.stream().map(n -> "?").toList()) + ")", where);
    }
  }

  private void writeRow(TableShape shape, Object pk, long cl, long localCl, boolean newLife, Object[] values,
      boolean[] changed) throws SQLException {
    Object[] key = PrimaryKeyCodec.decode(pk, shape.pkColumns().size());
    TableSql sql = tableSql.computeIfAbsent(shape.name(), name -> TableSql.of(shape));
    if (!RowLife.alive(cl)) {
      if (RowLife.alive(localCl)) {
        PreparedStatement delete = statement(sql.delete());
        bind(delete, 1, key);
        delete.executeUpdate();
      }
      return;
    }
    if (newLife) {
      PreparedStatement insert = statement(sql.insert());
      bind(insert, 1, key);
      bind(insert, key.length + 1, values);
      insert.executeUpdate();
      return;
    }
    List<String> sets = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    for (int i = 0; i < changed.length; i++) {
      if (changed[i]) {
        sets.add(Sql.id(shape.columns().get(i)) + " = ?");
        args.add(values[i]);
      }
    }
    if (sets.isEmpty()) {
      return;
    }
    PreparedStatement update = statement("UPDATE " + Sql.id(shape.name()) + " SET " + String.join(", ", sets)
        + " WHERE " + sql.where());
    bind(update, 1, args.toArray());
    bind(update, args.size() + 1, key);
    update.executeUpdate();
  }

  private void recordConflict(int tbl, Object pk, int col, Object winnerValue, CellVersion winner,
      Object loserValue, CellVersion loser, long cl) throws SQLException {
    PreparedStatement insert = statement("INSERT INTO lattice_conflict_log(tbl, pk, col, winner_value, winner_site,"
        + " winner_seq, winner_hlc, loser_value, loser_site, loser_seq, loser_hlc, cl, detected_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bind(insert, 1, new Object[] {tbl, pk, col, winnerValue, winner.site().bytes(), winner.seq(), winner.hlc(),
        loserValue, loser.site().bytes(), loser.seq(), loser.hlc(), cl, System.currentTimeMillis()});
    insert.executeUpdate();
    conflicts++;
  }

  /** Equal as SQLite stores them: same type and same value, BLOBs by content. */
  /**
   * True for the version an added column's default was logged with when a replica migrated: its row's clock, from
   * another write than the row's (see {@code SchemaEvolution}). Every real write is stamped later than its row.
   */
  private static boolean isMigrationDefault(CellVersion column, CellVersion row) {
    return column.hlc() == row.hlc() && !column.sameWrite(row);
  }

  private static boolean sameValue(Object a, Object b) {
    return java.util.Objects.deepEquals(a, b);
  }

  private static void bind(PreparedStatement p, int first, Object[] values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      p.setObject(first + i, values[i]);
    }
  }

  /** The value column {@code i} of {@code shape} takes when an insert leaves it out: its declared default. */
  private Object columnDefault(TableShape shape, int i) throws SQLException {
    Object[] byColumn = defaults.get(shape.name());
    if (byColumn == null) {
      byColumn = new Object[shape.columns().size()];
      for (int k = 0; k < byColumn.length; k++) {
        Object expression = Sql.one(c, "SELECT dflt_value FROM pragma_table_xinfo(?) WHERE name = ?", shape.name(),
            shape.columns().get(k));
        byColumn[k] = expression == null ? null : Sql.one(c, "SELECT " + expression);
      }
      defaults.put(shape.name(), byColumn);
    }
    return byColumn[i];
  }

  PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement p = statements.get(sql);
    if (p == null) {
      p = c.prepareStatement(sql);
      statements.put(sql, p);
    }
    return p;
  }

  private void closeStatements() throws SQLException {
    for (PreparedStatement p : statements.values()) {
      p.close();
    }
    statements.clear();
  }

  private static CellVersion version(Change change) {
    return new CellVersion(change.cl(), change.hlc(), change.site(), change.seq());
  }

  private void loadSites() throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT ord, site_id FROM lattice_sites");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        SiteId site = SiteId.of(r.getBytes(2));
        ordinals.put(site, r.getInt(1));
        sites.put(r.getInt(1), site);
      }
    }
  }

  /** The vector before the batch: this replica's own entry is its highest local sequence number. */
  private void loadVector() throws SQLException {
    for (Map.Entry<SiteId, Long> e : ReplicaEngine.versionVector(c).entries().entrySet()) {
      heldBefore.put(e.getKey(), e.getValue());
    }
  }

  int ordinal(SiteId site) throws SQLException {
    Integer ord = ordinals.get(site);
    if (ord == null) {
      ord = (int) Sql.oneLong(c, "INSERT INTO lattice_sites(site_id) VALUES (?) RETURNING ord", site.bytes());
      ordinals.put(site, ord);
      sites.put(ord, site);
    }
    return ord;
  }

  SiteId site(int ordinal) {
    return sites.get(ordinal);
  }

  /** The folded local state of one row, read once per row and batch. */
  private static final class RowState {
    long cl;
    CellVersion rowVersion;
    CellVersion[] overrides;
    boolean[] changedInBatch;

    static RowState load(Merger m, int tbl, Object pk, int columns) throws SQLException {
      RowState state = new RowState();
      state.overrides = new CellVersion[columns];
      state.changedInBatch = new boolean[columns];
      PreparedStatement row = m.statement("SELECT cl, site, seq, hlc FROM lattice_rows WHERE tbl = ? AND pk = ?");
      row.setInt(1, tbl);
      row.setObject(2, pk);
      try (ResultSet r = row.executeQuery()) {
        if (r.next()) {
          state.cl = r.getLong(1);
          state.rowVersion = new CellVersion(state.cl, r.getLong(4), m.site(r.getInt(2)), r.getLong(3));
        }
      }
      if (state.rowVersion == null || !state.rowVersion.alive()) {
        return state;
      }
      PreparedStatement cols = m.statement("SELECT col, site, seq, hlc FROM lattice_cols WHERE tbl = ? AND pk = ?");
      cols.setInt(1, tbl);
      cols.setObject(2, pk);
      try (ResultSet r = cols.executeQuery()) {
        while (r.next()) {
          int col = r.getInt(1);
          if (col < columns) {
            state.overrides[col] = new CellVersion(state.cl, r.getLong(4), m.site(r.getInt(2)), r.getLong(3));
          }
        }
      }
      return state;
    }

    boolean hasOverrides() {
      for (CellVersion v : overrides) {
        if (v != null) {
          return true;
        }
      }
      return false;
    }

    /** The held contribution of {@code site} to counter column {@code col}, as a version of the row's life. */
    CellVersion contribution(Merger m, int tbl, Object pk, int col, SiteId site) throws SQLException {
      PreparedStatement held = m.statement("SELECT seq, hlc FROM lattice_counters WHERE tbl = ? AND pk = ? AND col = ?"
          + " AND site = ?");
      bind(held, 1, new Object[] {tbl, pk, col, m.ordinal(site)});
      try (ResultSet r = held.executeQuery()) {
        return r.next() ? new CellVersion(cl, r.getLong(2), site, r.getLong(1)) : null;
      }
    }

    CellVersion columnVersion(int i) {
      return overrides[i] != null ? overrides[i] : rowVersion;
    }

    /** A column already replaced by an earlier change of this batch is not the local version any more. */
    boolean isChangedInBatch(int i) {
      return changedInBatch[i];
    }

    void markChangedInBatch(int i) {
      changedInBatch[i] = true;
    }

    Object[] values(Merger m, TableShape shape, Object pk) throws SQLException {
      return RowLookup.values(m.statement(RowLookup.sql(shape)), shape, pk);
    }
  }
}
