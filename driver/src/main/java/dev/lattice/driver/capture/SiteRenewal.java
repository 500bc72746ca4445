package dev.lattice.driver.capture;

import dev.lattice.core.SiteId;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Gives a replica a new site id while keeping everything it holds.
 *
 * <p>Why: a site id promises that one writer numbers its writes 1, 2, 3, ... A file restored from a backup (or
 * copied) would continue the original's numbering from where the copy was taken, while the original may still be
 * writing, or may already have shipped writes numbered after the copy. Peers that hold the original's seq 120 ignore
 * the copy's new seq 120 as already held, silently. A new id makes the copy's writes new to everyone.
 *
 * <p>How, in one transaction after a fold (so that every local write is in {@code lattice_rows}/{@code lattice_cols}/
 * {@code lattice_counters} under ordinal 0):
 *
 * <ol>
 *   <li>ordinal 0 ({@link LatticeSchema#LOCAL_SITE}) gets a fresh random id, here and in {@code lattice_meta};
 *   <li>the old id becomes an ordinary foreign site with an ordinal of its own, and the metadata that ordinal 0 wrote
 *       moves to it, so every version keeps its original (site, seq) and peers see nothing new;
 *   <li>{@code lattice_vv} holds the old id's last sequence number: this replica has everything the old id wrote up to
 *       the copy, and takes later writes of the old id (the original's) when a peer brings them;
 *   <li>the capture log keeps its anchor row, so the new id's numbering starts after the old one's: the clock and
 *       sequence stay monotonic in the file;
 *   <li>{@code tree_epoch} rises, so every process's reconciliation tree of the file rebuilds (its watermarks are
 *       kept per ordinal, and ordinal 0 now means another site).
 * </ol>
 */
final class SiteRenewal {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SiteRenewal() {}

  static SiteId renew(Connection c) throws SQLException {
    if (!LatticeSchema.exists(c)) {
      throw new SQLException("this database is not a Lattice replica (no lattice_meta table): it has no site id to"
          + " renew; track a table first");
    }
    LogFold.fold(c);
    return Transactions.write(c, "lattice_renew_site", () -> {
      LatticeSchema.ensure(c); // refuses a newer layout
      LogFold.fold(c); // writes committed since the fold above
      SiteId old = LatticeSchema.siteId(c);
      SiteId fresh = SiteId.random(RANDOM);
      long lastSeq = Sql.oneLong(c, "SELECT max(seq) FROM lattice_log");
      Sql.update(c, "UPDATE lattice_sites SET site_id = ? WHERE ord = ?", fresh.bytes(), LatticeSchema.LOCAL_SITE);
      int oldOrd = (int) Sql.oneLong(c, "INSERT INTO lattice_sites(site_id) VALUES (?) RETURNING ord", old.bytes());
      for (String table : new String[] {"lattice_rows", "lattice_cols", "lattice_counters"}) {
        Sql.update(c, "UPDATE " + table + " SET site = ? WHERE site = ?", oldOrd, LatticeSchema.LOCAL_SITE);
      }
      if (lastSeq > 0) {
        Sql.update(c, "INSERT INTO lattice_vv(site, seq) VALUES (?, ?)", oldOrd, lastSeq);
      }
      Sql.update(c, "UPDATE lattice_meta SET value = ? WHERE key = 'site_id'", fresh.bytes());
      ReplicaTree.invalidate(c);
      return fresh;
    });
  }
}
