package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.LatticeServer;
import dev.lattice.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** lattice compact: folds, drops tombstones every device holds, checkpoints and vacuums. */
class CompactCommandTest {
  private static final String ADMIN = "admin-token-for-cli-tests-0123456789-abcdefghijkl";
  private static final Map<String, String> PASSPHRASE = Map.of(Lattice.PASSPHRASE_VARIABLE, "correct horse");

  @TempDir Path dir;

  @Test
  void compact_shrinksTheFileAfterDeletes_andKeepsTombstonesWhileNoStablePointIsKnown() throws Exception {
    Path db = Fixtures.notes(dir.resolve("a.db"), 0);
    Fixtures.exec(db, "PRAGMA foreign_keys = OFF", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        + " WHERE i < 3000) INSERT INTO notes SELECT 'k' || i, 'title', hex(randomblob(300)) FROM n",
        "DELETE FROM notes WHERE id > 'k2'");
    List<String> before = Fixtures.rows(db, "SELECT id, title, body FROM notes ORDER BY id");
    long deleted = 3000 - before.size();

    Cli.Run run = Cli.run("compact", db.toString());

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.out().contains("kept " + deleted + " tombstone(s): no stable point is known yet"), run::toString);
    assertTrue(run.out().matches("(?s)Compacted .*: .* -> .* \\(file and WAL\\)\\..*folded \\d+ capture-log row.*"),
        run::toString);
    assertEquals(before, Fixtures.rows(db, "SELECT id, title, body FROM notes ORDER BY id"));
    assertEquals(List.of(Long.toString(deleted)), Fixtures.rows(db, "SELECT count(*) FROM lattice_rows WHERE cl = 2"));
    assertTrue(Files.size(db) < 1_000_000, "the deleted rows' pages were given back: " + Files.size(db));
  }

  /**
   * Deletes on one device reach the other through the server; once both have said hello holding them, the server's
   * stable point passes them and every replica drops their tombstones, through the real server over HTTP.
   */
  @Test
  @Timeout(120)
  void onceEveryDeviceHoldsTheDeletes_noReplicaKeepsTheirTombstones() throws Exception {
    try (LatticeServer server = LatticeServer.startWithRelay(ServerConfig.defaults().withPort(0)
        .withDataDir(dir.resolve("server")).withAdminToken(ADMIN).withStablePointEvery(Duration.ZERO))) {
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 10);
      Path phone = Fixtures.notes(dir.resolve("phone.db"), 0);
      ServerSpace.create(server, ADMIN).join(laptop, phone);
      sync(laptop);
      sync(phone);
      Fixtures.exec(laptop, "DELETE FROM notes WHERE id < 'n5'");
      Cli.Run early = Cli.run("compact", laptop.toString());

      for (int round = 0; round < 3; round++) {
        sync(laptop);
        sync(phone);
      }
      Cli.Run laptopCompact = Cli.run("compact", laptop.toString());
      Cli.Run phoneCompact = Cli.run("compact", phone.toString());

      assertTrue(early.out().contains("kept 5 tombstone(s): no stable point is known yet"), early::toString);
      for (Cli.Run run : List.of(laptopCompact, phoneCompact)) {
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("kept 0 tombstone(s): none left"), run::toString);
      }
      List<String> left = List.of("n5", "n6", "n7", "n8", "n9");
      for (Path db : List.of(laptop, phone)) {
        assertEquals(List.of("0"), Fixtures.rows(db, "SELECT count(*) FROM lattice_rows WHERE cl % 2 = 0"));
        assertEquals(left, Fixtures.rows(db, "SELECT id FROM notes ORDER BY id"));
        assertTrue(Cli.run("status", db.toString()).out().contains("(every device holds this;"));
      }

      Fixtures.exec(laptop, "INSERT INTO notes VALUES ('n0', 'again', '')");
      sync(laptop);
      sync(phone);
      assertEquals(Fixtures.rows(laptop, "SELECT id, title FROM notes ORDER BY id"),
          Fixtures.rows(phone, "SELECT id, title FROM notes ORDER BY id"), "a key deleted and compacted lives again");
      assertEquals("n0|again", Fixtures.rows(phone, "SELECT id, title FROM notes ORDER BY id").get(0));
    }
  }

  private static void sync(Path db) {
    Cli.Run run = Cli.run(PASSPHRASE, "sync", db.toString());
    assertEquals(0, run.exitCode(), run::toString);
  }

  @Test
  void compact_ofAMissingFileOrAPlainDatabase_exits1() throws Exception {
    Path plain = dir.resolve("plain.db");
    Fixtures.exec(plain, Fixtures.NOTES);

    Cli.Run missing = Cli.run("compact", dir.resolve("nope.db").toString());
    Cli.Run notReplica = Cli.run("compact", plain.toString());

    assertEquals(1, missing.exitCode(), missing::toString);
    assertEquals(1, notReplica.exitCode(), notReplica::toString);
    assertTrue(Cli.noStackTrace(missing) && Cli.noStackTrace(notReplica));
  }
}
