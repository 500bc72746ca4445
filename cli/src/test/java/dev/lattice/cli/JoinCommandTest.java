package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.sun.net.httpserver.HttpServer;
import dev.lattice.server.LatticeServer;
import dev.lattice.server.config.ServerConfig;
import dev.lattice.sync.crypto.KdfParams;
import dev.lattice.sync.join.CredentialsFile;
import java.awt.image.BufferedImage;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * lattice space create, join, pair, devices, revoke and sync with stored credentials, through the real reference
 * server over loopback; and every bad input refused in one line, changing nothing.
 */
@Timeout(180)
class JoinCommandTest {
  private static final String ADMIN = "admin-token-for-cli-tests-0123456789-abcdefghijkl";
  private static final Map<String, String> PASSPHRASE = Map.of(Lattice.PASSPHRASE_VARIABLE, "correct horse");

  @TempDir Path dir;

  private LatticeServer server() throws Exception {
    return LatticeServer.startWithRelay(ServerConfig.defaults().withPort(0).withDataDir(dir.resolve("server"))
        .withAdminToken(ADMIN));
  }

  private static List<String> notes(Path db) throws Exception {
    return Fixtures.rows(db, "SELECT id, title FROM notes ORDER BY id");
  }

  private static void assertOneLineFailure(Cli.Run run, String expected) {
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.err().startsWith("lattice: ") && run.err().contains(expected), run::toString);
    assertEquals(1, run.err().lines().count(), run::toString);
    assertTrue(Cli.noStackTrace(run), run::toString);
  }

  @Test
  void twoDevicesJoinPairSyncListAndRevoke_withTheTokenNeverPrintedAndReadableByTheOwnerOnly() throws Exception {
    try (LatticeServer server = server()) {
      String url = server.uri().toString();
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 2);
      Path phone = Fixtures.notes(dir.resolve("phone.db"), 0);
      Fixtures.exec(phone, "INSERT INTO notes VALUES ('p', 'from the phone', '')");
      Path png = dir.resolve("invite.png");

      Cli.Run created = Cli.run(Map.of(SpaceCreateCommand.ADMIN_TOKEN_VARIABLE, ADMIN), "space", "create",
          "--server", url, "--qr", png.toString());
      assertEquals(0, created.exitCode(), created::toString);
      Matcher invite = Pattern.compile("--invite (\\S+)").matcher(created.out());
      assertTrue(invite.find(), created::toString);
      assertTrue(created.out().contains("█"), "a QR code drawn in the terminal: " + created);
      String link = decode(png);
      assertTrue(link.startsWith("lattice://join?server="), link);
      assertEquals(Map.of("server", url, "invite", invite.group(1)), query(link), "the QR code carries server,"
          + " space and invite");

      Cli.Run joined = Cli.run(PASSPHRASE, "join", laptop.toString(), url, "--invite", invite.group(1), "--name",
          "laptop");
      assertEquals(0, joined.exitCode(), joined::toString);
      Path credentials = CredentialsFile.of(laptop);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
      String token = CredentialsFile.read(laptop).orElseThrow().token();
      assertFalse(joined.out().contains(token) || joined.err().contains(token), joined::toString);
      assertTrue(joined.out().contains("In sync: "), joined::toString);

      Cli.Run pair = Cli.run("pair", laptop.toString(), "--qr", dir.resolve("code.png").toString());
      assertEquals(0, pair.exitCode(), pair::toString);
      Matcher code = Pattern.compile("--code (\\S+)").matcher(pair.out());
      assertTrue(code.find(), pair::toString);
      assertEquals(Map.of("server", url, "code", code.group(1)), query(decode(dir.resolve("code.png"))));
      Cli.Run phoneJoined = Cli.run(PASSPHRASE, "join", phone.toString(), url, "--code", code.group(1), "--name",
          "phone");
      assertEquals(0, phoneJoined.exitCode(), phoneJoined::toString);

      Cli.Run first = Cli.run(PASSPHRASE, "sync", laptop.toString());
      Cli.Run second = Cli.run(PASSPHRASE, "sync", phone.toString());
      Cli.Run third = Cli.run(PASSPHRASE, "sync", laptop.toString());
      for (Cli.Run run : List.of(first, second, third)) {
        assertEquals(0, run.exitCode(), run::toString);
        assertFalse(run.out().contains(token), run::toString);
      }
      assertEquals(List.of("n0|title 0", "n1|title 1", "p|from the phone"), notes(laptop));
      assertEquals(notes(laptop), notes(phone));

      Cli.Run devices = Cli.run("devices", laptop.toString());
      assertEquals(0, devices.exitCode(), devices::toString);
      String phoneId = CredentialsFile.read(phone).orElseThrow().deviceId();
      String laptopId = CredentialsFile.read(laptop).orElseThrow().deviceId();
      assertTrue(devices.out().lines().anyMatch(l -> l.contains(laptopId) && l.contains("laptop")
          && l.contains("(this device)")), devices::toString);
      assertTrue(devices.out().lines().anyMatch(l -> l.contains(phoneId) && l.contains("phone")
          && !l.contains("revoked")), devices::toString);

      assertOneLineFailure(Cli.run("revoke", laptop.toString(), laptopId), "is this device");
      assertOneLineFailure(Cli.run("revoke", laptop.toString(), "no-such-device"), "has no device no-such-device");
      Cli.Run revoked = Cli.run("revoke", laptop.toString(), phoneId);
      assertEquals(0, revoked.exitCode(), revoked::toString);
      assertTrue(Cli.run("devices", laptop.toString()).out().lines()
          .anyMatch(l -> l.contains(phoneId) && l.contains("revoked")));
      assertOneLineFailure(Cli.run(PASSPHRASE, "sync", phone.toString()), "the server refused this device: it was"
          + " revoked");
      assertOneLineFailure(Cli.run("pair", phone.toString()), "this device was revoked from its space");
      assertOneLineFailure(Cli.run("revoke", laptop.toString(), phoneId), "was revoked already");
    }
  }

  @Test
  void badInputIsRefusedInOneLine_andJoinsNothing() throws Exception {
    try (LatticeServer server = server()) {
      String url = server.uri().toString();
      Path db = Fixtures.notes(dir.resolve("a.db"), 1);
      ServerSpace space = ServerSpace.create(server, ADMIN);
      String wrongInvite = space.spaceId() + ".not-the-invite";

      assertOneLineFailure(Cli.run("space", "create", "--server", url), "set LATTICE_ADMIN_TOKEN");
      assertOneLineFailure(Cli.run(Map.of(SpaceCreateCommand.ADMIN_TOKEN_VARIABLE, "wrong"), "space", "create",
          "--server", url), "refused the admin token");
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", db.toString(), url, "--invite", wrongInvite),
          "the invite was refused");
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", db.toString(), url, "--invite", "no-space-in-it"),
          "is not one lattice space create prints");
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", db.toString(), url, "--invite", "nospace." + "x".repeat(43)),
          "the server has no such space");
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", db.toString(), url, "--code", space.spaceId() + ".ABCD-EFGH"),
          "the pairing code was refused");
      int closedPort;
      try (ServerSocket s = new ServerSocket(0)) {
        closedPort = s.getLocalPort();
      }
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", db.toString(), "http://127.0.0.1:" + closedPort, "--invite",
          space.invite()), "cannot reach http://127.0.0.1:" + closedPort);
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", db.toString(), "ftp://example", "--invite", space.invite()),
          "is not a server address");
      HttpServer notLattice = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      notLattice.createContext("/", exchange -> {
        byte[] page = "<html>hello</html>".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/html");
        exchange.sendResponseHeaders(404, page.length);
        exchange.getResponseBody().write(page);
        exchange.close();
      });
      notLattice.start();
      try {
        assertOneLineFailure(Cli.run(PASSPHRASE, "join", db.toString(),
            "http://127.0.0.1:" + notLattice.getAddress().getPort(),
            "--invite", space.invite()), "not as a Lattice server does");
      } finally {
        notLattice.stop(0);
      }
      assertOneLineFailure(Cli.run(PASSPHRASE, "sync", db.toString()), "has not joined a space: lattice join");
      assertOneLineFailure(Cli.run("pair", db.toString()), "has not joined a space");
      assertFalse(Files.exists(CredentialsFile.of(db)), "no refused join wrote credentials");
      Path untrackable = dir.resolve("untrackable.db");
      plainDatabase(untrackable, "CREATE TABLE log(at TEXT, line TEXT)", Fixtures.NOTES);
      byte[] untouched = Files.readAllBytes(untrackable);
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", untrackable.toString(), url, "--invite", space.invite()),
          "nothing was joined: log (");
      assertArrayEquals(untouched, Files.readAllBytes(untrackable), "a refused join leaves the file as it was");
      Path fine = dir.resolve("fine.db");
      plainDatabase(fine, Fixtures.NOTES);
      byte[] fineBefore = Files.readAllBytes(fine);
      assertOneLineFailure(Cli.run("join", fine.toString(), url, "--invite", space.invite()),
          "no passphrase for the space: set LATTICE_PASSPHRASE");
      assertArrayEquals(fineBefore, Files.readAllBytes(fine));
      Path noTables = dir.resolve("empty.db");
      plainDatabase(noTables);
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", noTables.toString(), url, "--invite", space.invite()),
          "has no tables to sync");
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", dir.resolve("new.db").toString(), url, "--code",
          space.spaceId() + ".ABCD-EFGH"), "the pairing code was refused");
      assertFalse(Files.exists(dir.resolve("new.db")), "a refused join makes no file");
      for (Path refused : List.of(untrackable, noTables, fine)) {
        assertFalse(Files.exists(CredentialsFile.of(refused)));
        assertFalse(Files.exists(Path.of(refused + "-wal")), "not even switched to WAL");
      }
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", dir.resolve("missing.db").toString(), url, "--invite",
          space.invite()),
          "no database at");

      // The invite still works after all that, once; then it is used up, and a joined database joins nothing else.
      assertEquals(0, Cli.run(PASSPHRASE, "join", db.toString(), url, "--invite", space.invite()).exitCode());
      Path other = Fixtures.notes(dir.resolve("other.db"), 0);
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", other.toString(), url, "--invite", space.invite()),
          "the invite was refused");
      ServerSpace another = ServerSpace.create(server, ADMIN);
      byte[] before = Files.readAllBytes(CredentialsFile.of(db));
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", db.toString(), url, "--invite", another.invite()),
          "has joined space " + space.spaceId());
      assertEquals(new String(before, StandardCharsets.UTF_8),
          new String(Files.readAllBytes(CredentialsFile.of(db)), StandardCharsets.UTF_8));
      assertOneLineFailure(Cli.run("sync", db.toString()), "set LATTICE_PASSPHRASE");

      Files.setPosixFilePermissions(CredentialsFile.of(db), PosixFilePermissions.fromString("rw-r--r--"));
      assertOneLineFailure(Cli.run(PASSPHRASE, "sync", db.toString()), "may be read by other users");
    }
  }

  @Test
  void anExpiredPairingCode_isRefusedInOneLine_andMakesNoFile() throws Exception {
    try (LatticeServer server = LatticeServer.startWithRelay(ServerConfig.defaults().withPort(0)
        .withDataDir(dir.resolve("server")).withAdminToken(ADMIN).withPairingTtl(Duration.ofSeconds(1)))) {
      String url = server.uri().toString();
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 1);
      ServerSpace space = ServerSpace.create(server, ADMIN);
      assertEquals(0, Cli.run(PASSPHRASE, "join", laptop.toString(), url, "--invite", space.invite()).exitCode());
      String code = ServerSpace.pairingCode(laptop);
      Thread.sleep(1_500);

      Path phone = dir.resolve("phone.db");
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", phone.toString(), url, "--code", code),
          "the pairing code was refused: it is wrong, expired");
      assertFalse(Files.exists(phone), "a refused join makes no file");
    }
  }

  @Test
  void theFirstJoinTracksAnAppsDatabaseAndSyncs_aLaterJoinMakesANewFileWithTheSpacesTablesInSync() throws Exception {
    try (LatticeServer server = server()) {
      String url = server.uri().toString();
      Path laptop = dir.resolve("laptop.db");
      plainDatabase(laptop, "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, text TEXT NOT NULL,"
          + " created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)", "CREATE INDEX notes_by_created ON notes(created)",
          "INSERT INTO notes(id, text) VALUES ('a', 'buy milk')");
      ServerSpace space = ServerSpace.create(server, ADMIN);

      Cli.Run first = Cli.run(PASSPHRASE, "join", laptop.toString(), url, "--invite", space.invite());
      assertEquals(0, first.exitCode(), first::toString);
      assertTrue(first.out().contains("Tracked notes: 1 existing row(s) captured."), first::toString);
      assertTrue(first.out().contains("In sync: "), first::toString);

      Path phone = dir.resolve("phone.db");
      String code = ServerSpace.pairingCode(laptop);
      Cli.Run second = Cli.run(PASSPHRASE, "join", phone.toString(), url, "--code", code);
      assertEquals(0, second.exitCode(), second::toString);
      Path tablet = dir.resolve("tablet.db");
      assertOneLineFailure(Cli.run(PASSPHRASE, "join", tablet.toString(), url, "--code", code),
          "the pairing code was refused: it is wrong, expired (codes last 10 minutes) or already used");
      assertFalse(Files.exists(tablet), "a reused code makes no file");
      assertTrue(second.out().contains("Took the space's tables: notes."), second::toString);
      assertEquals(Fixtures.rows(laptop, "SELECT id, text, created FROM notes"),
          Fixtures.rows(phone, "SELECT id, text, created FROM notes"), "in sync when join returns");
      String definitions = "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'notes' AND sql IS NOT NULL"
          + " AND name NOT LIKE 'lattice%' ORDER BY name";
      assertEquals(Fixtures.rows(laptop, definitions), Fixtures.rows(phone, definitions), "made as the laptop has it");

      Fixtures.exec(phone, "INSERT INTO notes(id, text) VALUES ('b', 'call the plumber')"); // its default works
      assertEquals(0, Cli.run(PASSPHRASE, "sync", phone.toString()).exitCode());
      assertEquals(0, Cli.run(PASSPHRASE, "sync", laptop.toString()).exitCode());
      assertEquals(List.of("a|buy milk", "b|call the plumber"),
          Fixtures.rows(laptop, "SELECT id, text FROM notes ORDER BY id"));
    }
  }

  @Test
  void aFirstSyncThatFailsAfterTheServerAccepted_keepsTheCredentials_andSaysToRunSync() throws Exception {
    try (LatticeServer server = server()) {
      String url = server.uri().toString();
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 2);
      ServerSpace space = ServerSpace.create(server, ADMIN);
      assertEquals(0, Cli.run(PASSPHRASE, "join", laptop.toString(), url, "--invite", space.invite()).exitCode());

      Path phone = dir.resolve("phone.db");
      Cli.Run wrong = Cli.run(Map.of(Lattice.PASSPHRASE_VARIABLE, "not the passphrase"), "join", phone.toString(),
          url, "--code", ServerSpace.pairingCode(laptop));
      assertOneLineFailure(wrong, "but its first sync failed: ");
      assertTrue(wrong.err().contains("wrong passphrase") && wrong.err().contains("run lattice sync " + phone),
          wrong::toString);
      assertTrue(Files.exists(CredentialsFile.of(phone)), "the join stands");

      Cli.Run again = Cli.run(PASSPHRASE, "sync", phone.toString());
      assertEquals(0, again.exitCode(), again::toString);
      assertEquals(notes(laptop), notes(phone));
    }
  }

  @Test
  void aNewFileJoiningBeforeTheFirstDeviceSynced_doesNotDecideTheSpace_andSyncsOnceItHas() throws Exception {
    try (LatticeServer server = server()) {
      String url = server.uri().toString();
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 2);
      ServerSpace.create(server, ADMIN).join(laptop); // --no-sync: the space has no key and no tables yet
      Path phone = dir.resolve("phone.db");
      Cli.Run early = Cli.run(PASSPHRASE, "join", phone.toString(), url, "--code", ServerSpace.pairingCode(laptop));
      assertOneLineFailure(early, "sync the device that joined first (with the invite) before this one");
      assertTrue(early.err().contains("run lattice sync " + phone), early::toString);

      assertEquals(0, Cli.run(PASSPHRASE, "sync", laptop.toString()).exitCode());
      Cli.Run later = Cli.run(PASSPHRASE, "sync", phone.toString());
      assertEquals(0, later.exitCode(), later::toString);
      assertEquals(notes(laptop), notes(phone));
    }
  }

  /** A database as an application made it with plain SQLite (no Lattice, no WAL). */
  private static void plainDatabase(Path file, String... sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      for (String each : sql) {
        Fixtures.exec(c, each);
      }
      Fixtures.exec(c, "PRAGMA user_version = 7"); // writes the file even without statements
    }
  }

  @Test
  void credentialsStayOutOfBackups_andARestoredCopyIsNotTakenForTheDeviceThatJoined() throws Exception {
    Supplier<KdfParams> realParams = ExportCommand.newBackupParams;
    ExportCommand.newBackupParams = () -> KdfParams.cheapForTests(new byte[16]);
    try (LatticeServer server = server()) {
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 1);
      ServerSpace.create(server, ADMIN).join(laptop);
      String token = CredentialsFile.read(laptop).orElseThrow().token();
      Path backup = dir.resolve("laptop.lattice");
      assertEquals(0, Cli.run(PASSPHRASE, "export", laptop.toString(), backup.toString()).exitCode());
      Path restored = dir.resolve("restored.db");
      assertEquals(0, Cli.run(PASSPHRASE, "import", backup.toString(), restored.toString()).exitCode());

      assertFalse(Files.exists(CredentialsFile.of(restored)));
      assertFalse(Files.readString(restored, StandardCharsets.ISO_8859_1).contains(token), "the token is not in"
          + " the database, so not in its backups");
      assertOneLineFailure(Cli.run(PASSPHRASE, "sync", restored.toString()), "has not joined a space");
      Cli.Run over = Cli.run(PASSPHRASE, "import", backup.toString(), laptop.toString(), "--force");
      assertEquals(0, over.exitCode(), over::toString);
      assertOneLineFailure(Cli.run(PASSPHRASE, "sync", laptop.toString()), "is a copy or a restored backup");
    } finally {
      ExportCommand.newBackupParams = realParams;
    }
  }

  /** The text of the QR code in a PNG file, read by zxing. */
  private static String decode(Path png) throws Exception {
    BufferedImage image = ImageIO.read(png.toFile());
    int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
        new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)))).getText();
  }

  private static Map<String, String> query(String link) {
    Map<String, String> values = new java.util.TreeMap<>();
    for (String pair : link.substring(link.indexOf('?') + 1).split("&")) {
      String[] kv = pair.split("=", 2);
      values.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return values;
  }
}
