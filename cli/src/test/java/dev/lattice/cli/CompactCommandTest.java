package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lattice compact: folds, checkpoints and vacuums, and keeps tombstones. */
class CompactCommandTest {
  @TempDir Path dir;

  @Test
  void compact_shrinksTheFileAfterDeletes_andKeepsTheTombstones() throws Exception {
    Path db = Fixtures.notes(dir.resolve("a.db"), 0);
    Fixtures.exec(db, "PRAGMA foreign_keys = OFF", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        + " WHERE i < 3000) INSERT INTO notes SELECT 'k' || i, 'title', hex(randomblob(300)) FROM n",
        "DELETE FROM notes WHERE id > 'k2'");
    List<String> before = Fixtures.rows(db, "SELECT id, title, body FROM notes ORDER BY id");
    long deleted = 3000 - before.size();

    Cli.Run run = Cli.run("compact", db.toString());

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.out().contains("kept " + deleted + " tombstone(s)"), run::toString);
    assertTrue(run.out().matches("(?s)Compacted .*: .* -> .* \\(file and WAL\\)\\..*folded \\d+ capture-log row.*"),
        run::toString);
    assertEquals(before, Fixtures.rows(db, "SELECT id, title, body FROM notes ORDER BY id"));
    assertEquals(List.of(Long.toString(deleted)), Fixtures.rows(db, "SELECT count(*) FROM lattice_rows WHERE cl = 2"));
    assertTrue(Files.size(db) < 1_000_000, "the deleted rows' pages were given back: " + Files.size(db));
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
