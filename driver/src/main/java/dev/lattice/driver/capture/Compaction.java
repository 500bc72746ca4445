package dev.lattice.driver.capture;

import dev.lattice.core.SiteId;
import dev.lattice.core.StablePoint;
import dev.lattice.core.VersionVector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Drops tombstones no replica can need any more.
 *
 * <p>A tombstone (a dead row's clock in {@code lattice_rows}) exists so that a replica still holding an older life of
 * the row learns of its death. Once every replica of the space holds the delete, nobody can: the <em>stable point</em>
 * is a vector every device is known to hold (the relay finds it, as the pointwise minimum of its devices' vectors),
 * and a tombstone whose version is at or below it goes. The point is kept in {@code lattice_stable(site_id, seq)},
 * by site id rather than ordinal so that renewing this replica's site id leaves it true.
 *
 * <p>The rules that go with it are {@link StablePoint}'s (see docs/architecture.md, "Compaction"): a replica adopts a
 * point only up to its own vector, and {@link Merger} ignores every incoming version at or below it.
 */
final class Compaction {
  private static final String TABLE = "CREATE TABLE IF NOT EXISTS lattice_stable(site_id BLOB PRIMARY KEY NOT NULL,"
      + " seq INTEGER NOT NULL) WITHOUT ROWID";

  private Compaction() {}

  /** The stable point, as {@link ReplicaEngine#vector} reads it. */
  static final String STABLE_POINT = "SELECT site_id, seq FROM lattice_stable";

  /** Whether this replica ever learned a stable point: its table is made then. */
  static boolean hasStableTable(Connection c) throws SQLException {
    return Sql.one(c, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'lattice_stable'") != null;
  }

  /** This replica's stable point; empty if it never learned one. */
  static VersionVector stablePoint(Connection c) throws SQLException {
    if (!LatticeSchema.exists(c) || !hasStableTable(c)) {
      return VersionVector.empty();
    }
    try (PreparedStatement p = c.prepareStatement(STABLE_POINT)) {
      return ReplicaEngine.vector(p);
    }
  }

  /**
   * Raises the stable point towards {@code offered}, as far as this replica's own vector reaches, and drops the
   * tombstones between the old point and the new. Returns how many were dropped.
   */
  static long adopt(Connection c, VersionVector offered) throws SQLException {
    if (!LatticeSchema.exists(c) || offered.entries().isEmpty()) {
      return 0;
    }
    LogFold.fold(c);
    return Transactions.write(c, "lattice_compact", () -> {
      LogFold.fold(c); // writes committed since the fold above
      if (!hasStableTable(c)) {
        SchemaEvolution.ownChange(c, () -> {
          Sql.exec(c, TABLE);
          return null;
        });
      }
      StablePoint before = new StablePoint(stablePoint(c));
      long dropped = 0;
      for (StablePoint.Rise rise : before.risesTowards(List.of(offered, ReplicaEngine.versionVector(c)))) {
        Sql.update(c, "INSERT INTO lattice_stable(site_id, seq) VALUES (?, ?) ON CONFLICT(site_id) DO UPDATE SET"
            + " seq = excluded.seq", rise.site().bytes(), rise.to());
        dropped += drop(c, rise.site(), rise.from(), rise.to());
      }
      if (dropped > 0) {
        ReplicaTree.invalidate(c);
      }
      return dropped;
    });
  }

  /**
   * Drops every tombstone at or below the stable point, not only those above the point last adopted: the repair for
   * anything that slipped past the rules (and what {@code lattice compact} runs). Returns how many were dropped.
   */
  static long dropStable(Connection c) throws SQLException {
    if (!LatticeSchema.exists(c)) {
      return 0;
    }
    LogFold.fold(c);
    return Transactions.write(c, "lattice_compact", () -> {
      long dropped = 0;
      for (Map.Entry<SiteId, Long> e : stablePoint(c).entries().entrySet()) {
        dropped += drop(c, e.getKey(), 0, e.getValue());
      }
      if (dropped > 0) {
        ReplicaTree.invalidate(c);
      }
      return dropped;
    });
  }

  /** Tombstones this replica holds: dead rows' clocks. */
  static long tombstones(Connection c) throws SQLException {
    return LatticeSchema.exists(c) ? Sql.oneLong(c, "SELECT count(*) FROM lattice_rows WHERE cl % 2 = 0") : 0;
  }

  /** Deletes the tombstones of {@code site} with {@code from < seq <= to}; a dead row has no column clocks. */
  private static long drop(Connection c, SiteId site, long from, long to) throws SQLException {
    Object ord = Sql.one(c, "SELECT ord FROM lattice_sites WHERE site_id = ?", site.bytes());
    if (ord == null) {
      return 0; // nothing of that site is held
    }
    return Sql.update(c, "DELETE FROM lattice_rows WHERE site = ? AND seq > ? AND seq <= ? AND cl % 2 = 0", ord, from,
        to);
  }
}
