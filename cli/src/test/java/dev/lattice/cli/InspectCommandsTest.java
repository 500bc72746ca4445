package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lattice status, changes and conflicts: reading a replica, and settling its conflicts, with no network. */
class InspectCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void status_showsSiteTablesCellsVectorRootAndNoSyncYet() throws Exception {
    Path db = Fixtures.notes(dir.resolve("a.db"), 3);
    String site = Fixtures.withReplica(db, r -> r.siteId().toString());

    Cli.Run text = Cli.run("status", db.toString());
    Cli.Run json = Cli.run("status", db.toString(), "--json");

    assertEquals(0, text.exitCode(), text::toString);
    assertTrue(text.out().contains("site id       " + site), text::toString);
    assertTrue(text.out().contains("notes: 3 row(s)") && text.out().contains("last sync     never"), text::toString);
    assertTrue(text.out().contains("pending       3 local write(s)"), text::toString);
    JsonNode status = JSON.readTree(json.out());
    assertEquals(site, status.get("siteId").asText());
    assertEquals(3 * 3, status.get("cells").asLong(), "a row cell and two columns per row");
    assertEquals(3, status.get("versionVector").get(site).asLong());
    assertEquals(32, status.get("treeRoot").asText().length());
    assertEquals(3, status.get("pendingLocalWrites").asLong());
    assertTrue(status.get("lastSync").isNull());
  }

  @Test
  void status_afterASync_showsTheLastSyncAndOnlyLaterWritesPending() throws Exception {
    Path a = Fixtures.notes(dir.resolve("a.db"), 2);
    Path b = Fixtures.notes(dir.resolve("b.db"), 0);
    assertEquals(0, Cli.run("sync", a.toString(), "--peer", b.toString()).exitCode());
    Fixtures.exec(a, "UPDATE notes SET title = 'later' WHERE id = 'n0'");

    JsonNode status = JSON.readTree(Cli.run("status", a.toString(), "--json").out());

    assertEquals(1, status.get("pendingLocalWrites").asLong(), status::toString);
    assertEquals(b.toString(), status.get("lastSync").get("peer").asText());
    assertEquals(2, status.get("lastSync").get("ackedSeq").asLong());
  }

  @Test
  void status_ofADatabaseLatticeNeverEnabled_exits1SayingHowToEnableIt() throws Exception {
    Path plain = dir.resolve("plain.db");
    Fixtures.exec(plain, Fixtures.NOTES);

    Cli.Run run = Cli.run("status", plain.toString());

    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.err().contains("is not a Lattice replica") && run.err().contains("lattice enable"), run::toString);
    assertTrue(Cli.noStackTrace(run), run::toString);
  }

  @Test
  void changes_listsCellVersions_filteredByTableSinceAndLimit() throws Exception {
    Path db = Fixtures.notes(dir.resolve("a.db"), 3);
    Fixtures.exec(db, "CREATE TABLE tags(id INTEGER PRIMARY KEY NOT NULL, tag BLOB)",
        "SELECT lattice_track('tags')", "INSERT INTO tags VALUES (7, x'00ff')");
    String site = Fixtures.withReplica(db, r -> r.siteId().toString());

    Cli.Run all = Cli.run("changes", db.toString());
    Cli.Run tags = Cli.run("changes", db.toString(), "--table", "tags", "--json");
    Cli.Run since = Cli.run("changes", db.toString(), "--since", site + "=3");
    Cli.Run limited = Cli.run("changes", db.toString(), "--limit", "2");

    assertEquals(0, all.exitCode(), all::toString);
    assertEquals(3 * 3 + 2, all.out().lines().count(), all::toString);
    assertTrue(all.out().lines().anyMatch(l -> l.startsWith("notes\tn1\ttitle\ttitle 1\t" + site + "\t2\t")),
        all::toString);
    JsonNode cells = JSON.readTree(tags.out());
    assertEquals(2, cells.size(), tags::toString);
    assertEquals("00ff", cells.get(1).get("value").get("blob").asText(), tags::toString);
    assertEquals(7, cells.get(1).get("key").asLong());
    assertEquals(2, since.out().lines().count(), "only the tags row (seq 4) is above 3: " + since);
    assertEquals(2, limited.out().lines().count(), limited::toString);
  }

  @Test
  void changes_refusesAMalformedSiteAndAnUntrackedTable() throws Exception {
    Path db = Fixtures.notes(dir.resolve("a.db"), 1);

    Cli.Run badSite = Cli.run("changes", db.toString(), "--since", "xyz=3");
    Cli.Run badTable = Cli.run("changes", db.toString(), "--table", "nope");

    assertEquals(2, badSite.exitCode(), badSite::toString);
    assertTrue(badSite.err().contains("32 hex digits"), badSite::toString);
    assertEquals(1, badTable.exitCode(), badTable::toString);
    assertTrue(badTable.err().contains("table nope is not tracked"), badTable::toString);
  }

  @Test
  void conflicts_areListedResolvedAndCleared() throws Exception {
    Path a = Fixtures.notes(dir.resolve("a.db"), 1);
    Path b = Fixtures.notes(dir.resolve("b.db"), 0);
    assertEquals(0, Cli.run("sync", a.toString(), "--peer", b.toString()).exitCode());
    Fixtures.exec(a, "UPDATE notes SET title = 'from a' WHERE id = 'n0'");
    Fixtures.exec(b, "UPDATE notes SET title = 'from b' WHERE id = 'n0'");
    assertEquals(0, Cli.run("sync", a.toString(), "--peer", b.toString()).exitCode());
    Path withConflict = Cli.run("conflicts", a.toString()).out().contains("#1") ? a : b;

    Cli.Run list = Cli.run("conflicts", withConflict.toString());
    assertEquals(0, list.exitCode(), list::toString);
    assertTrue(list.out().contains("#1  notes['n0'].title"), list::toString);
    assertTrue(list.out().contains("kept:  'from ") && list.out().contains("lost:  'from "), list::toString);
    String lost = list.out().contains("lost:  'from a'") ? "from a" : "from b";

    Cli.Run unknown = Cli.run("conflicts", withConflict.toString(), "resolve", "99", "--keep");
    Cli.Run neither = Cli.run("conflicts", withConflict.toString(), "resolve", "1");
    Cli.Run take = Cli.run("conflicts", withConflict.toString(), "resolve", "1", "--take");
    assertEquals(1, unknown.exitCode(), unknown::toString);
    assertTrue(unknown.err().contains("there is no conflict #99"), unknown::toString);
    assertEquals(2, neither.exitCode(), neither::toString);
    assertEquals(0, take.exitCode(), take::toString);
    assertEquals(java.util.List.of(lost), Fixtures.rows(withConflict, "SELECT title FROM notes"));

    Cli.Run clear = Cli.run("conflicts", withConflict.toString(), "clear");
    assertEquals(0, clear.exitCode(), clear::toString);
    assertTrue(Cli.run("conflicts", withConflict.toString()).out().contains("No conflicts."));
  }
}
