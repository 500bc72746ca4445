package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.server.LatticeServer;
import dev.lattice.server.config.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** lattice sync and serve-peer: through a real reference server, a real peer, and between two files. */
@Timeout(120)
class SyncCommandTest {
  private static final String ADMIN = "admin-token-for-cli-tests-0123456789-abcdefghijkl";
  private static final Map<String, String> PASSPHRASE = Map.of(Lattice.PASSPHRASE_VARIABLE, "correct horse");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static List<String> notes(Path db) throws Exception {
    return Fixtures.rows(db, "SELECT id, title FROM notes ORDER BY id");
  }

  @Test
  void twoDevicesSyncThroughASpaceOnTheServer_endToEndEncrypted() throws Exception {
    try (LatticeServer server = LatticeServer.startWithRelay(ServerConfig.defaults().withPort(0)
        .withDataDir(dir.resolve("server")).withAdminToken(ADMIN))) {
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 2);
      Path phone = Fixtures.notes(dir.resolve("phone.db"), 0);
      Fixtures.exec(phone, "INSERT INTO notes VALUES ('p', 'from the phone', '')");
      ServerSpace space = ServerSpace.create(server, ADMIN);
      space.join(laptop, phone);
      String url = server.uri().toString();
      String spaceId = space.spaceId();

      Cli.Run first = Cli.run(PASSPHRASE, "sync", laptop.toString());
      Cli.Run second = Cli.run(PASSPHRASE, "sync", phone.toString());
      Cli.Run third = Cli.run(PASSPHRASE, "sync", laptop.toString());

      assertEquals(0, first.exitCode(), first::toString);
      assertTrue(first.out().contains("6 cell(s) sent, 0 received") && first.out().contains("round trip(s)"),
          first::toString);
      assertEquals(0, second.exitCode(), second::toString);
      assertTrue(second.out().contains("3 cell(s) sent, 6 received (6 applied)"), second::toString);
      assertEquals(0, third.exitCode(), third::toString);
      assertEquals(List.of("n0|title 0", "n1|title 1", "p|from the phone"), notes(laptop));
      assertEquals(notes(laptop), notes(phone));
      JsonNode status = JSON.readTree(Cli.run("status", laptop.toString(), "--json").out());
      assertEquals(url + "/spaces/" + spaceId, status.get("lastSync").get("peer").asText());
      assertEquals(0, status.get("pendingLocalWrites").asLong(), status::toString);

      Cli.Run wrongPassphrase = Cli.run(Map.of(Lattice.PASSPHRASE_VARIABLE, "wrong"), "sync", phone.toString());
      Cli.Run noPassphrase = Cli.run("sync", phone.toString());
      assertEquals(1, wrongPassphrase.exitCode(), wrongPassphrase::toString);
      assertTrue(wrongPassphrase.err().startsWith("lattice: sync failed (")
          && wrongPassphrase.err().contains("wrong passphrase"), wrongPassphrase::toString);
      assertEquals(1, noPassphrase.exitCode(), noPassphrase::toString);
      assertTrue(noPassphrase.err().contains("set LATTICE_PASSPHRASE"), noPassphrase::toString);
      for (Cli.Run run : List.of(wrongPassphrase, noPassphrase)) {
        assertTrue(Cli.noStackTrace(run) && run.err().lines().count() == 1, run::toString);
      }
    }
  }

  @Test
  void aDeviceSyncsWithAPeerServingItsDatabase_whichStopsGracefully() throws Exception {
    Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 3);
    Path phone = Fixtures.notes(dir.resolve("phone.db"), 0);
    StringWriter served = new StringWriter();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread host = new Thread(() -> exit.set(Lattice.commandLine(Map.of()).setOut(new PrintWriter(served, true))
        .setErr(new PrintWriter(served, true)).execute("serve-peer", laptop.toString(), "--port", "0", "--plain")));
    host.start();
    try {
      while (!served.toString().contains("Serving") && host.isAlive()) {
        Thread.sleep(20);
      }
      String url = served.toString().replaceAll("(?s).* at (http://[^ ]+) .*", "$1");
      assertTrue(url.startsWith("http://127.0.0.1:"), served::toString);

      Cli.Run run = Cli.run("sync", phone.toString(), "--peer", url, "--plain");

      assertEquals(0, run.exitCode(), run::toString);
      assertTrue(run.out().contains("0 cell(s) sent, 9 received (9 applied)"), run::toString);
      assertEquals(notes(laptop), notes(phone));
      Cli.Run encrypted = Cli.run(PASSPHRASE, "sync", phone.toString(), "--peer", url);
      assertEquals(1, encrypted.exitCode(), encrypted::toString);
      assertTrue(encrypted.err().contains("sync failed (key)"), encrypted::toString);
    } finally {
      host.interrupt();
      host.join(20_000);
    }
    assertEquals(0, exit.get(), served::toString);
    assertTrue(served.toString().contains("Stopped serving"), served::toString);
  }

  @Test
  void twoFilesSyncDirectly_andTheirSyncIsRemembered() throws Exception {
    Path a = Fixtures.notes(dir.resolve("a.db"), 2);
    Path b = Fixtures.notes(dir.resolve("b.db"), 0);
    Fixtures.exec(b, "INSERT INTO notes VALUES ('b', 'from b', '')");

    Cli.Run run = Cli.run("sync", a.toString(), "--peer", b.toString());

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.out().contains("9 cell(s) applied"), run::toString);
    assertEquals(notes(a), notes(b));
    assertEquals(3, notes(a).size());
    JsonNode status = JSON.readTree(Cli.run("status", b.toString(), "--json").out());
    assertEquals(a.toString(), status.get("lastSync").get("peer").asText());
  }

  @Test
  void syncWithAFileRefusesAPlainDatabaseOtherTablesAndACopy() throws Exception {
    Path a = Fixtures.notes(dir.resolve("a.db"), 1);
    Path plain = dir.resolve("plain.db");
    Fixtures.exec(plain, Fixtures.NOTES);
    Path other = dir.resolve("other.db");
    Fixtures.exec(other, "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, title TEXT)", "SELECT lattice_track('notes')");
    Fixtures.exec(a, "PRAGMA wal_checkpoint(TRUNCATE)");
    Path copy = Files.copy(a, dir.resolve("copy.db"));

    Cli.Run notReplica = Cli.run("sync", a.toString(), "--peer", plain.toString());
    Cli.Run otherSchema = Cli.run("sync", a.toString(), "--peer", other.toString());
    Cli.Run aCopy = Cli.run("sync", a.toString(), "--peer", copy.toString());
    Cli.Run notJoined = Cli.run("sync", a.toString());

    assertEquals(1, notReplica.exitCode(), notReplica::toString);
    assertTrue(notReplica.err().contains("plain.db is not a Lattice replica"), notReplica::toString);
    assertEquals(1, otherSchema.exitCode(), otherSchema::toString);
    assertTrue(otherSchema.err().contains("track different tables or columns: "), otherSchema::toString);
    assertEquals(1, aCopy.exitCode(), aCopy::toString);
    assertTrue(aCopy.err().contains("same site id") && aCopy.err().contains("lattice import"), aCopy::toString);
    assertEquals(1, notJoined.exitCode(), notJoined::toString);
    assertTrue(notJoined.err().contains("has not joined a space"), notJoined::toString);
    for (Cli.Run run : List.of(notReplica, otherSchema, aCopy, notJoined)) {
      assertTrue(Cli.noStackTrace(run), run::toString);
    }
  }
}
