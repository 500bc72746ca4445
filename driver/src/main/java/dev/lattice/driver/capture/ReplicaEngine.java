package dev.lattice.driver.capture;

import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeBatch;
import dev.lattice.driver.ChangeBatches;
import dev.lattice.driver.ChangeStream;
import dev.lattice.driver.Conflict;
import dev.lattice.driver.MergeResult;
import dev.lattice.driver.NumberSource;
import dev.lattice.driver.NumberedTable;
import dev.lattice.driver.Renumbering;
import dev.lattice.driver.TrackCheck;
import dev.lattice.driver.TrackOptions;
import dev.lattice.driver.TrackReport;
import dev.lattice.driver.TrackedSchema;
import dev.lattice.driver.TreeSnapshot;
import dev.lattice.merkle.CellId;
import dev.lattice.merkle.CellIdHasher;
import dev.lattice.merkle.Item;
import dev.lattice.merkle.MerkleTree;
import dev.lattice.merkle.NodeSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The operations behind {@link dev.lattice.driver.Replica}; not API. */
public final class ReplicaEngine {
  private ReplicaEngine() {}

  public static SiteId siteId(Connection c) throws SQLException {
    SiteId site = LatticeSchema.siteId(c);
    if (site != null) {
      return site;
    }
    Transactions.write(c, "lattice_init", () -> {
      LatticeSchema.ensure(c);
      return null;
    });
    return LatticeSchema.siteId(c);
  }

  /**
   * Before any work through the API: the file upgraded if an earlier layout wrote it (refused if a later one did),
   * and schema changes other tools made followed.
   */
  private static void ready(Connection c) throws SQLException {
    LayoutUpgrade.upgradeIfOlder(c);
    SchemaEvolution.followIfChanged(c);
  }

  public static TrackReport track(Connection c, String table, TrackOptions options) throws SQLException {
    ready(c);
    return Tracker.track(c, table, options);
  }

  /** What tracking {@code table} would do, found without writing anything. */
  public static TrackCheck inspect(Connection c, String table, TrackOptions options) throws SQLException {
    try {
      return new TrackCheck(table, true, null, null, TableInspector.inspect(c, table, options).warnings());
    } catch (UntrackableTableException e) {
      return new TrackCheck(table, false, e.reason(), e.fix(), List.of());
    }
  }

  public static SiteId renewSiteId(Connection c) throws SQLException {
    return SiteRenewal.renew(c);
  }

  public static boolean untrack(Connection c, String table) throws SQLException {
    ready(c);
    return Tracker.untrack(c, table);
  }

  public static List<String> trackedTables(Connection c) throws SQLException {
    ready(c);
    return TrackedTables.all(c).values().stream()
        .filter(TrackedTables.Registered::tracked)
        .map(t -> t.shape().name())
        .toList();
  }

  public static VersionVector versionVector(Connection c) throws SQLException {
    if (!LatticeSchema.exists(c)) {
      return VersionVector.empty();
    }
    try (PreparedStatement p = c.prepareStatement(VERSION_VECTOR)) {
      return vector(p);
    }
  }

  /** This replica's version vector, as {@link #vector} reads it. */
  static final String VERSION_VECTOR = "SELECT site_id, seq FROM lattice_version_vector";

  /** The vector of the {@code (site_id, seq)} rows {@code p} selects. */
  static VersionVector vector(PreparedStatement p) throws SQLException {
    Map<SiteId, Long> entries = new HashMap<>();
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        entries.put(SiteId.of(r.getBytes(1)), r.getLong(2));
      }
    }
    return VersionVector.of(entries);
  }

  public static ChangeStream changesSince(Connection c, VersionVector peer) throws SQLException {
    if (!LatticeSchema.exists(c)) {
      return new ChangeStream() {
        @Override
        public dev.lattice.driver.Change next() {
          return null;
        }

        @Override
        public void close() {}
      };
    }
    ready(c);
    LogFold.fold(c);
    Numbering.refuseUnsettled(c);
    return new ChangeReader(c, peer);
  }

  public static List<Renumbering> settle(Connection c, NumberSource source) throws SQLException {
    ready(c);
    return Numbering.settle(c, source);
  }

  public static List<NumberedTable> numbering(Connection c) throws SQLException {
    ready(c);
    return Numbering.state(c);
  }

  public static long allocateNumbers(Connection c, String counter, long highestKnown, int count) throws SQLException {
    ready(c);
    return Numbering.allocate(c, counter, highestKnown, count);
  }

  public static long fold(Connection c) throws SQLException {
    ready(c);
    return LogFold.fold(c);
  }

  /** A merge session for {@code c}, kept by its owner until the connection closes. */
  public static MergeSession mergeSession(Connection c) {
    return new MergeSession(c);
  }

  /**
   * Applies {@code batch} through {@code session}, which a driver connection keeps across batches
   * ({@link ConnectionHooks#mergeSession()}); null: one for this batch only.
   */
  public static MergeResult apply(Connection c, MergeSession session, ChangeBatch batch, long nowMillis,
      long maxDriftMillis) throws SQLException {
    if (session == null) {
      try (MergeSession once = new MergeSession(c)) {
        return apply(c, once, batch, nowMillis, maxDriftMillis);
      }
    }
    try {
      if (session.schemaChanged()) { // a batch on an unchanged schema has nothing to upgrade or follow
        ready(c);
        session.reload();
      }
      return Merger.apply(c, session, batch, nowMillis, maxDriftMillis);
    } catch (SQLException | RuntimeException e) {
      session.discard(e);
      throw e;
    }
  }

  /** Pulls what {@code to} lacks from {@code from}; returns what was applied to {@code to}. */
  public static MergeResult pull(Connection from, Connection to, int batchCells, PeerSync.Applier apply)
      throws SQLException {
    ready(from);
    ready(to);
    return PeerSync.pull(from, to, batchCells, apply).result();
  }

  /** Offers {@code to} everything {@code from} holds, whatever the vectors say; returns what was applied. */
  public static MergeResult pullAll(Connection from, int batchCells, PeerSync.Applier apply) throws SQLException {
    ready(from);
    return PeerSync.pull(from, VersionVector.empty(), batchCells, apply).result();
  }

  public static ChangeBatches batchesSince(Connection c, VersionVector peer, int batchCells) throws SQLException {
    ready(c);
    return BatchReader.open(c, peer, batchCells);
  }

  /** The root of the reconciliation tree of {@code c}'s committed state; see {@link ReplicaTree}. */
  public static NodeSummary merkleRoot(Connection c, CellIdHasher hasher) throws SQLException {
    ready(c);
    if (!LatticeSchema.exists(c)) {
      return NodeSummary.EMPTY;
    }
    return ReplicaTrees.of(c, hasher).root(c);
  }

  public static TreeSnapshot treeSnapshot(Connection c, CellIdHasher hasher) throws SQLException {
    ready(c);
    MerkleTree<?> copy = LatticeSchema.exists(c) ? ReplicaTrees.of(c, hasher).read(c, MerkleTree::copy)
        : new MerkleTree<>();
    return new TreeSnapshot() {
      @Override
      public MerkleTree<?> tree() {
        return copy;
      }

      @Override
      public List<Change> rowsOf(Collection<? extends Item<?>> items) throws SQLException {
        Set<RowRef> rows = new LinkedHashSet<>();
        for (Item<?> item : items) {
          rows.add((RowRef) item.tag());
        }
        List<Change> out = new ArrayList<>();
        if (rows.isEmpty()) {
          return out;
        }
        LogFold.fold(c);
        Numbering.refuseUnsettled(c);
        try (ChangeReader reader = new ChangeReader(c, VersionVector.empty())) {
          for (RowRef row : rows) {
            out.addAll(reader.row(row.tbl(), row.pk()));
          }
        }
        return out;
      }
    };
  }

  /** The tracked tables' shapes, as peers compare them. */
  public static TrackedSchema schema(Connection c) throws SQLException {
    ready(c);
    Map<String, TrackedSchema.Table> tables = new TreeMap<>();
    for (TrackedTables.Registered r : TrackedTables.all(c).values()) {
      if (r.tracked()) {
        TableShape s = r.shape();
        tables.put(s.name(), new TrackedSchema.Table(s.pkColumns(), s.columns(), List.copyOf(s.counters()),
            s.numbered()));
      }
    }
    return new TrackedSchema(tables);
  }

  /** The id of {@code change}'s cell under {@code hasher}, as the replica's tree names it. */
  public static CellId cellId(CellIdHasher hasher, Change change) {
    return hasher.cell(change.table(), PrimaryKeyCodec.bytes(change.pk()), change.column());
  }

  public static VersionVector stablePoint(Connection c) throws SQLException {
    return Compaction.stablePoint(c);
  }

  public static long adoptStablePoint(Connection c, VersionVector point) throws SQLException {
    return Compaction.adopt(c, point);
  }

  public static long dropStableTombstones(Connection c) throws SQLException {
    return Compaction.dropStable(c);
  }

  public static long tombstones(Connection c) throws SQLException {
    return Compaction.tombstones(c);
  }

  public static List<Conflict> conflicts(Connection c) throws SQLException {
    return Conflicts.list(c);
  }

  public static boolean resolve(Connection c, long id, boolean takeLoser) throws SQLException {
    return Conflicts.resolve(c, id, takeLoser);
  }

  public static long clearConflicts(Connection c) throws SQLException {
    return Conflicts.clear(c);
  }
}
