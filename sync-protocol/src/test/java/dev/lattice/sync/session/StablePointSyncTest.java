package dev.lattice.sync.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.VersionVector;
import dev.lattice.driver.Replica;
import dev.lattice.sync.SyncException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices that dropped different tombstones (one learned a stable point the other has not) agree again through the
 * protocol: the stable-point exchange costs one round trip and no tree reconciliation, whichever side knows the point.
 */
class StablePointSyncTest {
  @TempDir Path dir;

  @Test
  void anAskerThatCompacted_bringsTheResponderAlong_inOneMoreRoundTrip() throws Exception {
    try (Device a = Device.create(dir, "a.db"); Device b = Device.create(dir, "b.db")) {
      VersionVector point = deleteAndSync(a, b);
      assertEquals(2, replica(a).adoptStablePoint(point));
      assertNotEquals(a.root(), b.root());

      SyncReport report = a.syncWith(b);

      assertEquals(2, report.roundTrips(), "hello, then the stable points");
      assertEquals(0, report.reconciliations());
      assertEquals(a.root(), b.root());
      assertEquals(a.cells(), b.cells());
      assertEquals(point, replica(b).stablePoint());
      assertEquals(0, tombstones(b));
    }
  }

  @Test
  void anAskerThatDidNotCompact_learnsThePointFromTheResponder() throws Exception {
    try (Device a = Device.encrypted(dir, "a.db", "space"); Device b = Device.encrypted(dir, "b.db", "space")) {
      VersionVector point = deleteAndSync(a, b);
      replica(b).adoptStablePoint(point);

      SyncReport report = a.syncWith(b);

      assertEquals(2, report.roundTrips());
      assertEquals(0, report.reconciliations());
      assertEquals(a.root(), b.root());
      assertEquals(0, tombstones(a));
      assertEquals(1, a.syncWith(b).roundTrips(), "agreed: the next sync is one round trip again");
    }
  }

  @Test
  void aKeyReinsertedAfterCompaction_reachesADeviceThatStillHeldItsTombstone() throws Exception {
    try (Device a = Device.create(dir, "a.db"); Device b = Device.create(dir, "b.db")) {
      VersionVector point = deleteAndSync(a, b);
      replica(a).adoptStablePoint(point);
      a.exec("INSERT INTO t(id, a) VALUES ('k0', 'again')");

      SyncReport report = b.syncWith(a);

      assertEquals(1, report.reconciliations(), "b ignored the new life while it held the tombstone, then repaired");
      assertEquals(List.of("k0|'again'", "k2|'two'"), b.rows().stream().map(r -> r.substring(0, r.indexOf('|',
          r.indexOf('|') + 1))).toList());
      assertEquals(a.rows(), b.rows());
      assertEquals(a.cells(), b.cells());
      assertEquals(a.root(), b.root());
      assertEquals(a.vector(), b.vector());
    }
  }

  /**
   * A copy restored from before the deletes still holds the deleted rows, which the others compacted: it cannot bring
   * them back, and it is told how to recover (the limit of compaction; docs/architecture.md, "Compaction").
   */
  @Test
  void aReplicaRestoredFromBeforeTheCompaction_isRefusedWithTheWayOut_andBringsNothingBack() throws Exception {
    try (Device a = Device.create(dir, "a.db"); Device b = Device.create(dir, "b.db")) {
      a.exec("INSERT INTO t(id, a) VALUES ('k0', 'zero'), ('k1', 'one'), ('k2', 'two')");
      a.syncWith(b);
      try (var s = a.app.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      java.nio.file.Files.copy(a.file, dir.resolve("old.db"));
      a.exec("DELETE FROM t WHERE id IN ('k0', 'k1')");
      a.syncWith(b);
      VersionVector point = a.vector();
      replica(a).adoptStablePoint(point);
      replica(b).adoptStablePoint(point);
      List<String> rows = b.rows();

      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("old.db"))) {
        Replica.of(c).renewSiteId(); // as lattice import does
      }
      try (Device old = Device.open(dir.resolve("old.db"))) {
        SyncException e = assertThrows(SyncException.class, () -> old.syncWith(b));

        assertEquals("reconcile", e.code());
        assertTrue(e.getMessage().contains("lattice import here"), e.getMessage());
        assertEquals(rows, b.rows(), "nothing came back");
        assertEquals(0, tombstones(b));
      }
    }
  }

  /** Three rows written on a, two deleted; both devices hold everything. Returns a point both hold. */
  private static VersionVector deleteAndSync(Device a, Device b) throws Exception {
    a.exec("INSERT INTO t(id, a) VALUES ('k0', 'zero'), ('k1', 'one'), ('k2', 'two')");
    a.syncWith(b);
    a.exec("DELETE FROM t WHERE id IN ('k0', 'k1')");
    a.syncWith(b);
    assertEquals(a.root(), b.root());
    assertEquals(2, tombstones(b));
    return a.vector();
  }

  private static Replica replica(Device d) {
    return Replica.of(d.app);
  }

  private static long tombstones(Device d) throws Exception {
    try (var s = d.app.createStatement(); var r = s.executeQuery("SELECT count(*) FROM lattice_rows WHERE cl % 2 = 0")) {
      r.next();
      return r.getLong(1);
    }
  }
}
