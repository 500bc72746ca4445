package dev.lattice.driver.capture;

import dev.lattice.merkle.CellId;
import dev.lattice.merkle.CellIdHasher;
import dev.lattice.merkle.ItemVersion;
import dev.lattice.merkle.MerkleTree;
import dev.lattice.merkle.NodeSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The reconciliation tree of one database, kept in memory and brought up to date on demand.
 *
 * <p>Its items are exactly the cells {@link ChangeReader} streams to a peer that has nothing: a row's own cell with
 * the version of its last insert or delete; while the row is alive, each column with its version; a counter column
 * as one cell whose version lists every site's contribution (see {@link ItemVersion}). Cell ids hash table and column
 * names and the stored key (see {@link PrimaryKeyCodec#bytes}), never local ids, so equal states give equal roots.
 *
 * <h2>Incremental, and deferred to sync time</h2>
 *
 * Nothing happens at capture time. Every change to a cell gives it a new version (site, seq), so the rows to revisit
 * are those holding a version above a watermark: this replica's folded sequence number, and for other sites their
 * version vector entries, which no later merge can undercut (a change at or below a site's entry is already held or
 * superseded). A refresh folds the log, finds those rows through the (site, seq) indexes, and rewrites their items:
 * its cost follows the changes since the last refresh, not the size of the database.
 *
 * <p>The tree is rebuilt from metadata when first used in a process (measured in bench/README.md), when the database's
 * site id or tracked columns changed, when its vector went backwards (a file restored from a backup), or when a merge
 * stored versions the vector had already counted (a reconciliation's repair: {@link #invalidate}).
 */
final class ReplicaTree {
  private static final String DIRTY_TABLE = "CREATE TEMP TABLE IF NOT EXISTS lattice_tree_dirty(tbl INTEGER NOT NULL,"
      + " pk NOT NULL, PRIMARY KEY (tbl, pk)) WITHOUT ROWID";

  private static final String DIRTY_ROWS = "INSERT OR IGNORE INTO temp.lattice_tree_dirty(tbl, pk)"
      + " SELECT tbl, pk FROM main.lattice_rows WHERE site = ?1 AND seq > ?2"
      + " UNION ALL SELECT tbl, pk FROM main.lattice_cols WHERE site = ?1 AND seq > ?2"
      + " UNION ALL SELECT tbl, pk FROM main.lattice_counters WHERE site = ?1 AND seq > ?2";

  private static final String ROWS = "SELECT r.tbl, r.pk, r.cl, r.site, r.seq, r.hlc, o.col, o.site, o.seq, o.hlc"
      + " FROM %s LEFT JOIN main.lattice_cols o ON o.tbl = r.tbl AND o.pk = r.pk AND r.cl %% 2 = 1"
      + " ORDER BY r.tbl, r.pk";

  private static final String CONTRIBUTIONS = "SELECT k.tbl, k.pk, k.col, k.site, k.seq, k.hlc FROM %s";

  private final MerkleTree<RowRef> tree = new MerkleTree<>();
  private final CellIdHasher hasher;
  private boolean built;
  private byte[] siteId;
  private Map<Integer, TableShape> shapes = Map.of();
  private Map<Integer, Long> watermark = Map.of();
  private long epoch;
  private long rowsRevisited;

  ReplicaTree(CellIdHasher hasher) {
    this.hasher = hasher;
  }

  /** The root after bringing the tree up to date with {@code c}'s committed state. */
  synchronized NodeSummary root(Connection c) throws SQLException {
    refresh(c);
    return tree.root();
  }

  /** Brings the tree up to date, then lets {@code reader} use it; the tree must not escape the call. */
  synchronized <R> R read(Connection c, Function<MerkleTree<RowRef>, R> reader) throws SQLException {
    refresh(c);
    return reader.apply(tree);
  }

  /** Rows whose items the last refresh rewrote (every row after a rebuild). */
  synchronized long rowsRevisited() {
    return rowsRevisited;
  }

  private void refresh(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      throw notInTransaction();
    }
    LogFold.fold(c);
    if (!Transactions.beginRead(c)) {
      throw notInTransaction();
    }
    try {
      byte[] site = LatticeSchema.siteId(c).bytes();
      Map<Integer, TableShape> nowShapes = new HashMap<>();
      TrackedTables.all(c).forEach((id, t) -> nowShapes.put(id, t.shape()));
      Map<Integer, byte[]> sites = sites(c);
      Map<Integer, Long> nowMark = watermark(c);
      long nowEpoch = epoch(c);
      boolean rebuild = !built || !java.util.Arrays.equals(site, siteId) || !nowShapes.equals(shapes)
          || nowEpoch != epoch || wentBack(nowMark) || mostlyChanged(c, nowMark);
      built = false; // until this refresh completes: a failure half-way forces a rebuild next time
      if (rebuild) {
        tree.clear();
        rowsRevisited = rewrite(c, "main.lattice_rows r", "main.lattice_counters k", nowShapes, sites);
      } else {
        Sql.exec(c, DIRTY_TABLE);
        Sql.exec(c, "DELETE FROM temp.lattice_tree_dirty");
        try (PreparedStatement p = c.prepareStatement(DIRTY_ROWS)) {
          for (int ord : sites.keySet()) {
            p.setInt(1, ord);
            p.setLong(2, watermark.getOrDefault(ord, 0L));
            p.executeUpdate();
          }
        }
        rowsRevisited = rewrite(c,
            "temp.lattice_tree_dirty d JOIN main.lattice_rows r ON r.tbl = d.tbl AND r.pk = d.pk",
            "temp.lattice_tree_dirty d JOIN main.lattice_counters k ON k.tbl = d.tbl AND k.pk = d.pk",
            nowShapes, sites);
        Sql.exec(c, "DELETE FROM temp.lattice_tree_dirty");
      }
      siteId = site;
      shapes = nowShapes;
      watermark = nowMark;
      epoch = nowEpoch;
      built = true;
    } finally {
      Sql.exec(c, "COMMIT");
    }
  }

  /**
   * Makes every process's tree of this database rebuild at its next refresh: a merge stored versions at or below the
   * vector (see {@link Merger}), which the incremental refresh cannot find. Inside the merge's transaction.
   */
  static void invalidate(Connection c) throws SQLException {
    Sql.update(c, "INSERT INTO lattice_meta(key, value) VALUES ('tree_epoch', 1) ON CONFLICT(key) DO UPDATE SET"
        + " value = value + 1");
  }

  private static long epoch(Connection c) throws SQLException {
    Object value = Sql.one(c, "SELECT value FROM lattice_meta WHERE key = 'tree_epoch'");
    return value == null ? 0 : ((Number) value).longValue();
  }

  private static SQLException notInTransaction() {
    return new SQLException("the Merkle root describes committed state: ask for it outside a transaction");
  }

  /**
   * True if more versions arrived since the last refresh than half the rows hold: then one ordered scan of everything
   * is cheaper than collecting the changed rows and looking each up (measured: 100k updated rows of 100k took 2.0 s
   * incrementally, a rebuild 1.2 s).
   */
  private boolean mostlyChanged(Connection c, Map<Integer, Long> now) throws SQLException {
    long versions = 0;
    for (Map.Entry<Integer, Long> e : now.entrySet()) {
      versions += Math.max(0, e.getValue() - watermark.getOrDefault(e.getKey(), 0L));
    }
    return versions > 1_000 && versions * 2 > Sql.oneLong(c, "SELECT count(*) FROM lattice_rows");
  }

  /** True if some site's entry is lower than when the tree was last brought up to date. */
  private boolean wentBack(Map<Integer, Long> now) {
    for (Map.Entry<Integer, Long> e : watermark.entrySet()) {
      if (now.getOrDefault(e.getKey(), 0L) < e.getValue()) {
        return true;
      }
    }
    return false;
  }

  private static Map<Integer, Long> watermark(Connection c) throws SQLException {
    Map<Integer, Long> mark = new HashMap<>();
    mark.put(LatticeSchema.LOCAL_SITE, LogFold.foldedSeq(c));
    try (PreparedStatement p = c.prepareStatement("SELECT site, seq FROM lattice_vv");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        mark.put(r.getInt(1), r.getLong(2));
      }
    }
    return mark;
  }

  private static Map<Integer, byte[]> sites(Connection c) throws SQLException {
    Map<Integer, byte[]> sites = new HashMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT ord, site_id FROM lattice_sites");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        sites.put(r.getInt(1), r.getBytes(2));
      }
    }
    return sites;
  }

  /** Rewrites the items of the rows {@code rowsFrom} yields; returns how many rows that was. */
  private long rewrite(Connection c, String rowsFrom, String contributionsFrom, Map<Integer, TableShape> tables,
      Map<Integer, byte[]> sites) throws SQLException {
    Map<RowRef, List<Contribution>> contributions = contributions(c, contributionsFrom, tables, sites);
    long rows = 0;
    try (PreparedStatement p = c.prepareStatement(String.format(ROWS, rowsFrom));
        ResultSet r = p.executeQuery()) {
      RowState row = null;
      while (r.next()) {
        RowRef ref = new RowRef(r.getInt(1), Sql.normalize(r.getObject(2)));
        if (row == null || !row.ref.equals(ref)) {
          if (row != null) {
            write(row, tables, contributions);
            rows++;
          }
          row = new RowState(ref, r.getLong(3), ItemVersion.of(r.getLong(3), r.getLong(6), sites.get(r.getInt(4)),
              r.getLong(5)));
        }
        if (r.getObject(7) != null) {
          row.overrides.put(r.getInt(7), ItemVersion.of(row.cl, r.getLong(10), sites.get(r.getInt(8)), r.getLong(9)));
        }
      }
      if (row != null) {
        write(row, tables, contributions);
        rows++;
      }
    }
    return rows;
  }

  private static Map<RowRef, List<Contribution>> contributions(Connection c, String from,
      Map<Integer, TableShape> tables, Map<Integer, byte[]> sites) throws SQLException {
    Map<RowRef, List<Contribution>> byRow = new HashMap<>();
    if (tables.values().stream().allMatch(t -> t.counters().isEmpty())) {
      return byRow;
    }
    try (PreparedStatement p = c.prepareStatement(String.format(CONTRIBUTIONS, from));
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        byRow.computeIfAbsent(new RowRef(r.getInt(1), Sql.normalize(r.getObject(2))), k -> new ArrayList<>())
            .add(new Contribution(r.getInt(3),
                new ItemVersion.Contribution(sites.get(r.getInt(4)), r.getLong(5), r.getLong(6))));
      }
    }
    return byRow;
  }

  /** Replaces every item of one row with its current cells. */
  private void write(RowState row, Map<Integer, TableShape> tables, Map<RowRef, List<Contribution>> contributions) {
    TableShape shape = tables.get(row.ref.tbl());
    if (shape == null) {
      return;
    }
    byte[] pk = PrimaryKeyCodec.bytes(row.ref.pk());
    tree.put(hasher.cell(shape.name(), pk, null), row.version, row.ref);
    boolean alive = (row.cl & 1) == 1;
    List<Contribution> counted = contributions.getOrDefault(row.ref, List.of());
    for (int i = 0; i < shape.columns().size(); i++) {
      CellId cell = hasher.cell(shape.name(), pk, shape.columns().get(i));
      byte[] version = null;
      if (alive && shape.isCounter(i)) {
        int column = i;
        List<ItemVersion.Contribution> sum = counted.stream().filter(k -> k.col == column).map(k -> k.version)
            .toList();
        version = sum.isEmpty() ? null : ItemVersion.ofContributions(row.cl, sum);
      } else if (alive) {
        version = row.overrides.getOrDefault(i, row.version);
      }
      if (version == null) {
        tree.remove(cell);
      } else {
        tree.put(cell, version, row.ref);
      }
    }
  }

  /** A row's clock and its column overrides, as read from metadata. */
  private static final class RowState {
    final RowRef ref;
    final long cl;
    final byte[] version;
    final Map<Integer, byte[]> overrides = new HashMap<>();

    RowState(RowRef ref, long cl, byte[] version) {
      this.ref = ref;
      this.cl = cl;
      this.version = version;
    }
  }

  private record Contribution(int col, ItemVersion.Contribution version) {}
}
