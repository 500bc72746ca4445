package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lattice enable: a report on every candidate table, then tracking; all-or-nothing for named tables. */
class EnableCommandTest {
  @TempDir Path dir;

  private Path app() throws Exception {
    Path db = dir.resolve("app.db");
    Fixtures.exec(db, Fixtures.NOTES, "CREATE TABLE log(line TEXT)", "CREATE TABLE stats(id TEXT PRIMARY KEY NOT NULL,"
        + " views INTEGER)", "INSERT INTO notes VALUES ('a', 't', 'b')", "INSERT INTO stats VALUES ('a', 3)");
    return db;
  }

  private static List<String> tracked(Path db) throws Exception {
    return Fixtures.withReplica(db, r -> r.trackedTables().stream().sorted().toList());
  }

  @Test
  void enableAllOfChinook_tracksEveryTableInSeconds() throws Exception {
    Path db = Fixtures.copyOfChinook(dir);

    long started = System.nanoTime();
    Cli.Run run = Cli.run("enable", db.toString(), "--all");
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertEquals(0, run.exitCode(), run::toString);
    assertEquals(11, tracked(db).size());
    assertTrue(run.out().contains("Enabled 11 table(s)"), run::toString);
    assertTrue(run.out().contains("warning: table Album: key AlbumId is an INTEGER PRIMARY KEY"), run::toString);
    assertTrue(millis < 10_000, "enabling chinook took " + millis + " ms");
    System.out.println("lattice enable chinook.db --all took " + millis + " ms");
  }

  @Test
  void allReportsUntrackableTablesWithTheirFix_andTracksTheRest() throws Exception {
    Path db = app();

    Cli.Run run = Cli.run("enable", db.toString(), "--all", "--counter", "stats.views");

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.out().contains("log: cannot be tracked: it has no PRIMARY KEY"), run::toString);
    assertTrue(run.out().contains("fix: rebuild the table with a PRIMARY KEY column"), run::toString);
    assertTrue(run.out().contains("stats: trackable, counters views"), run::toString);
    assertTrue(run.out().contains("Enabled 2 table(s)") && run.out().contains("2 existing row(s) captured"),
        run::toString);
    assertEquals(List.of("notes", "stats"), tracked(db));
  }

  @Test
  void numberedTablesOfChinook_areTrackedNumbered_andTheWarningSaysHow() throws Exception {
    Path db = Fixtures.copyOfChinook(dir);

    Cli.Run run = Cli.run("enable", db.toString(), "--tables", "Customer,Invoice,InvoiceLine", "--numbered",
        "Customer,Invoice", "--numbered", "InvoiceLine");

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.out().contains("Customer: trackable, numbered for sync"), run::toString);
    assertTrue(!run.out().contains("warning: table Customer: key CustomerId"), run::toString);
    assertEquals("Customer(key CustomerId; numbered)", Fixtures.withReplica(db, r -> r.schema().describe())
        .lines().filter(l -> l.startsWith("Customer(")).map(l -> l.replaceAll("; .*; numbered", "; numbered"))
        .findFirst().orElse(""));
    assertEquals(3, Fixtures.withReplica(db, r -> r.schema().describe()).lines().filter(l -> l.endsWith("; numbered)"))
        .count(), "Customer, Invoice and InvoiceLine numbered");

    Path other = Fixtures.copyOfChinook(java.nio.file.Files.createDirectories(dir.resolve("plain")));
    Cli.Run plain = Cli.run("enable", other.toString(), "--tables", "Album");
    assertTrue(plain.out().contains("Track it numbered for sync (lattice enable --numbered Album"), plain::toString);
    Cli.Run wrong = Cli.run("enable", db.toString(), "--tables", "Album", "--numbered", "Artist");
    assertEquals(2, wrong.exitCode(), wrong::toString);
    assertTrue(wrong.err().contains("--numbered names table Artist"), wrong::toString);
  }

  @Test
  void dryRun_printsTheReportAndChangesNothing() throws Exception {
    Path db = app();

    Cli.Run run = Cli.run("enable", db.toString(), "--all", "--dry-run");

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.out().contains("notes: trackable") && run.out().contains("Dry run: nothing was changed"),
        run::toString);
    assertTrue(Fixtures.rows(db, "SELECT name FROM sqlite_schema WHERE name LIKE 'lattice%'").isEmpty());
  }

  @Test
  void namedTablesAreAllOrNothing_oneUntrackableTracksNoneAndExits1() throws Exception {
    Path db = app();

    Cli.Run run = Cli.run("enable", db.toString(), "--tables", "notes,log");

    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.err().startsWith("lattice: 1 of the named tables cannot be tracked (log), so nothing was"
        + " tracked"), run::toString);
    assertTrue(Cli.noStackTrace(run), run::toString);
    assertTrue(Fixtures.rows(db, "SELECT name FROM sqlite_schema WHERE name LIKE 'lattice%'").isEmpty());

    Cli.Run again = Cli.run("enable", db.toString(), "--tables", "notes");
    assertEquals(0, again.exitCode(), again::toString);
    assertEquals(List.of("notes"), tracked(db));
    Cli.Run twice = Cli.run("enable", db.toString(), "--tables", "notes");
    assertTrue(twice.out().contains("notes: already tracked") && twice.out().contains("Enabled 0 table(s)"),
        twice::toString);
  }

  @Test
  void wrongUsageExits2_andAMissingFileExits1() throws Exception {
    Path db = app();
    Cli.Run neither = Cli.run("enable", db.toString());
    Cli.Run both = Cli.run("enable", db.toString(), "--all", "--tables", "notes");
    Cli.Run badCounter = Cli.run("enable", dir.resolve("app.db").toString(), "--all", "--counter", "views");
    Cli.Run missing = Cli.run("enable", dir.resolve("nope.db").toString(), "--all");

    assertEquals(2, neither.exitCode(), neither::toString);
    assertEquals(2, both.exitCode(), both::toString);
    assertEquals(2, badCounter.exitCode(), badCounter::toString);
    assertEquals(1, missing.exitCode(), missing::toString);
    assertTrue(missing.err().contains("no database at") && Cli.noStackTrace(missing), missing::toString);
    assertTrue(!dir.resolve("nope.db").toFile().exists(), "a mistyped path is not created");
  }
}
