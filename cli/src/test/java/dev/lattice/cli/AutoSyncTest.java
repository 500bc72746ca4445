package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.driver.sync.AutoSync;
import dev.lattice.driver.sync.AutoSyncListener;
import dev.lattice.driver.sync.AutoSyncState;
import dev.lattice.driver.sync.AutoSyncStatus;
import dev.lattice.server.LatticeServer;
import dev.lattice.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver syncs by itself with lattice.sync=auto: plain JDBC on two joined databases, through the real server; one
 * background sync per file shared by its connections, lingering briefly after the last closes; status from SQL.
 */
@Timeout(180)
class AutoSyncTest {
  private static final String ADMIN = "admin-token-for-cli-tests-0123456789-abcdefghijkl";

  @TempDir Path dir;

  @AfterEach
  void noProvider() {
    AutoSync.setPassphraseProvider(null);
  }

  private Path passphraseFile(String name, String passphrase) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, passphrase + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static String url(Path db, Path passphrase) {
    return "jdbc:lattice:sqlite:" + db + "?lattice.sync=auto" + (passphrase == null ? ""
        : "&lattice.passphraseFile=" + passphrase);
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> rows = new java.util.ArrayList<>();
    try (var s = c.createStatement(); var r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(i > 1 ? "|" : "").append(r.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  private static void await(Callable<Boolean> condition, Callable<Object> what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 40 s: " + what.call());
      }
      Thread.sleep(25);
    }
  }

  private LatticeServer server() throws Exception {
    return LatticeServer.startWithRelay(ServerConfig.defaults().withPort(0).withDataDir(dir.resolve("server"))
        .withAdminToken(ADMIN));
  }

  private static String state(Connection c) throws SQLException {
    return rows(c, "SELECT state FROM lattice_sync").get(0);
  }

  @Test
  void twoJoinedDatabasesStayInSyncWithPlainJdbc_oneSyncPerFile_statusFromSql() throws Exception {
    try (LatticeServer server = server()) {
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 2);
      Path phone = Fixtures.notes(dir.resolve("phone.db"), 0);
      ServerSpace.create(server, ADMIN).join(laptop, phone);
      assertEquals(0, Cli.run(java.util.Map.of(Lattice.PASSPHRASE_VARIABLE, "correct horse"), "sync",
          laptop.toString()).exitCode());
      Path secret = passphraseFile("passphrase.txt", "correct horse");
      AutoSync.setPassphraseProvider(db -> "correct horse".toCharArray()); // the phone's source: no option given
      int before = AutoSync.running();

      Connection laptop1 = DriverManager.getConnection(url(laptop, secret));
      Connection laptop2 = DriverManager.getConnection(url(laptop, secret));
      Properties phoneOptions = new Properties();
      phoneOptions.setProperty("lattice.sync", "auto");
      Connection phone1 = DriverManager.getConnection("jdbc:lattice:sqlite:" + phone, phoneOptions);
      assertEquals(before + 2, AutoSync.running(), "one sync per database file, however many connections");

      await(() -> rows(phone1, "SELECT id FROM notes ORDER BY id").equals(List.of("n0", "n1")),
          () -> rows(phone1, "SELECT * FROM lattice_sync"));
      laptop1.createStatement().execute("INSERT INTO notes VALUES ('l', 'from the laptop', '')");
      phone1.createStatement().execute("INSERT INTO notes VALUES ('p', 'from the phone', '')");
      await(() -> rows(phone1, "SELECT id FROM notes ORDER BY id").contains("l")
          && rows(laptop2, "SELECT id FROM notes ORDER BY id").contains("p"), () -> List.of(
              rows(laptop2, "SELECT * FROM lattice_sync"), rows(phone1, "SELECT * FROM lattice_sync")));
      await(() -> state(laptop2).equals("up to date") && state(phone1).equals("up to date")
          && rows(laptop2, "SELECT pending_local_writes FROM lattice_sync").equals(List.of("0")),
          () -> rows(laptop2, "SELECT * FROM lattice_sync"));
      List<String> status = rows(laptop1, "SELECT state, progress, unresolved_conflicts, last_error,"
          + " last_synced IS NOT NULL FROM lattice_sync");
      assertEquals(List.of("up to date|null|0|null|1"), status);

      // A pool recycling its connections: the last one closes and another opens within the linger.
      laptop1.close();
      laptop2.close();
      Connection laptop3 = DriverManager.getConnection(url(laptop, secret));
      assertEquals("up to date", state(laptop3), "the same sync, still live: not restarted");
      assertEquals(before + 2, AutoSync.running());
      laptop3.close();
      await(() -> AutoSync.status(laptop).isEmpty(), () -> "the laptop's sync stops after the linger");
      assertEquals(before + 1, AutoSync.running());
      phone1.close();
      await(() -> AutoSync.running() == before, () -> "every sync stopped");
    }
  }

  /** What a listener heard, in order; safe to read while the sync's threads add to it. */
  private static final class Heard implements AutoSyncListener {
    final List<AutoSyncStatus> statuses = new CopyOnWriteArrayList<>();
    final AtomicLong applied = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();

    @Override
    public void statusChanged(AutoSyncStatus status) {
      statuses.add(status);
    }

    @Override
    public void changesApplied(long cells) {
      applied.addAndGet(cells);
    }

    @Override
    public void conflictsRecorded(long recorded) {
      conflicts.addAndGet(recorded);
    }

    boolean heardState(AutoSyncState state) {
      return statuses.stream().anyMatch(s -> s.state() == state);
    }
  }

  @Test
  void listenersHearStateChanges_appliedChanges_andConflictsAsTheyAreRecorded() throws Exception {
    try (LatticeServer server = server()) {
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 2);
      Path phone = Fixtures.notes(dir.resolve("phone.db"), 0);
      ServerSpace.create(server, ADMIN).join(laptop, phone);
      java.util.Map<String, String> passphrase = java.util.Map.of(Lattice.PASSPHRASE_VARIABLE, "correct horse");
      for (Path db : List.of(laptop, phone)) {
        assertEquals(0, Cli.run(passphrase, "sync", db.toString()).exitCode());
      }
      // The same note edited on both while the phone's app was closed: a conflict once the phone syncs.
      Fixtures.exec(phone, "UPDATE notes SET title = 'edited on the phone' WHERE id = 'n0'");
      Fixtures.exec(laptop, "UPDATE notes SET title = 'edited on the laptop' WHERE id = 'n0'",
          "INSERT INTO notes VALUES ('l', 'from the laptop', '')");
      assertEquals(0, Cli.run(passphrase, "sync", laptop.toString()).exitCode());
      AutoSync.setPassphraseProvider(db -> "correct horse".toCharArray());

      Heard heard = new Heard();
      AutoSync.addListener(phone, heard); // before the first connection: the sync has not started yet
      try (Connection c = DriverManager.getConnection(url(phone, null))) {
        await(() -> heard.conflicts.get() > 0 && heard.heardState(AutoSyncState.CONFLICTS_WAITING),
            () -> heard.statuses);
        assertTrue(heard.applied.get() > 0, heard.statuses::toString);
        assertTrue(heard.heardState(AutoSyncState.CONNECTING) && heard.heardState(AutoSyncState.SYNCING),
            heard.statuses::toString);
        await(() -> AutoSync.status(phone).orElseThrow().equals(heard.statuses.get(heard.statuses.size() - 1)),
            () -> "the last event is the status as a value: " + AutoSync.status(phone) + " " + heard.statuses);
        assertEquals(1, AutoSync.status(phone).orElseThrow().unresolvedConflicts());
        assertTrue(rows(c, "SELECT id FROM notes ORDER BY id").contains("l"), "told after the change was stored");
      }
      await(() -> heard.heardState(AutoSyncState.STOPPED), () -> heard.statuses);
      AutoSync.removeListener(phone, heard);

      Path alone = Fixtures.notes(dir.resolve("alone.db"), 0);
      Heard unjoined = new Heard();
      AutoSync.addListener(alone, unjoined);
      try (Connection c = DriverManager.getConnection(url(alone, null))) {
        assertEquals(AutoSyncState.ERROR, unjoined.statuses.get(0).state(), "a sync that cannot start says why");
        assertTrue(unjoined.statuses.get(0).lastError().contains("has not joined a space"));
      } finally {
        AutoSync.removeListener(alone, unjoined);
      }
    }
  }

  @Test
  void aWrongOrMissingPassphraseOrAnUnjoinedDatabase_isAnErrorStatus_andWritesNothing() throws Exception {
    try (LatticeServer server = server()) {
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 2);
      Path phone = Fixtures.notes(dir.resolve("phone.db"), 0);
      ServerSpace.create(server, ADMIN).join(laptop, phone);
      assertEquals(0, Cli.run(java.util.Map.of(Lattice.PASSPHRASE_VARIABLE, "correct horse"), "sync",
          laptop.toString()).exitCode());
      Path alone = Fixtures.notes(dir.resolve("alone.db"), 0);

      try (Connection wrong = DriverManager.getConnection(url(phone, passphraseFile("wrong.txt", "wrong")));
          Connection none = DriverManager.getConnection(url(alone, null))) {
        await(() -> state(wrong).equals("error"), () -> rows(wrong, "SELECT * FROM lattice_sync"));
        List<String> wrongStatus = rows(wrong, "SELECT * FROM lattice_sync");
        assertTrue(rows(wrong, "SELECT last_error FROM lattice_sync").get(0).contains("passphrase"),
            wrongStatus::toString);
        assertEquals(List.of(), rows(wrong, "SELECT id FROM notes"), "nothing written");
        assertEquals("error", state(none));
        assertTrue(rows(none, "SELECT last_error FROM lattice_sync").get(0).contains("has not joined a space"));
        try (Connection noPassphrase = DriverManager.getConnection(url(phone.resolveSibling("phone2.db"), null))) {
          assertEquals("error", state(noPassphrase));
        }
      }
      SQLException bad = assertThrows(SQLException.class,
          () -> DriverManager.getConnection("jdbc:lattice:sqlite:" + laptop + "?lattice.sync=always"));
      assertTrue(bad.getMessage().contains("expected one of off, auto"), bad.getMessage());
    }
  }
}
