package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.LatticeServer;
import dev.lattice.server.config.ServerConfig;
import dev.lattice.sync.join.CredentialsFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** lattice sync --watch: live push and pull through the real server, a status line, and how it ends. */
@Timeout(120)
class SyncWatchTest {
  private static final String ADMIN = "admin-token-for-cli-tests-0123456789-abcdefghijkl";
  private static final Map<String, String> PASSPHRASE = Map.of(Lattice.PASSPHRASE_VARIABLE, "correct horse");

  @TempDir Path dir;

  /** A command running on a thread of its own, its output captured as it comes. */
  private static final class Running {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final AtomicInteger exit = new AtomicInteger(-1);
    final Thread thread;

    Running(String... args) {
      thread = new Thread(() -> exit.set(Lattice.commandLine(PASSPHRASE).setOut(new PrintWriter(out, true))
          .setErr(new PrintWriter(err, true)).execute(args)));
      thread.start();
    }

    @Override
    public String toString() {
      return "exit " + exit.get() + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private static void await(Callable<Boolean> condition, Object what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  private static List<String> notes(Path db) throws Exception {
    return Fixtures.rows(db, "SELECT id, title FROM notes ORDER BY id");
  }

  @Test
  void watchPullsAndPushesLive_showsItsStatus_andEndsInOneLineWhenTheDeviceIsRevoked() throws Exception {
    try (LatticeServer server = LatticeServer.startWithRelay(ServerConfig.defaults().withPort(0)
        .withDataDir(dir.resolve("server")).withAdminToken(ADMIN))) {
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 1);
      Path phone = Fixtures.notes(dir.resolve("phone.db"), 0);
      ServerSpace.create(server, ADMIN).join(laptop, phone);
      assertEquals(0, Cli.run(PASSPHRASE, "sync", laptop.toString()).exitCode());

      Running watch = new Running("sync", phone.toString(), "--watch");
      await(() -> watch.out.toString().contains("up to date"), watch);
      await(() -> notes(phone).equals(List.of("n0|title 0")), watch);

      Fixtures.exec(laptop, "INSERT INTO notes VALUES ('l', 'from the laptop', '')");
      assertEquals(0, Cli.run(PASSPHRASE, "sync", laptop.toString()).exitCode());
      await(() -> notes(phone).contains("l|from the laptop"), "pulled live: " + watch);

      Fixtures.exec(phone, "INSERT INTO notes VALUES ('p', 'from the phone', '')");
      await(() -> {
        Cli.run(PASSPHRASE, "sync", laptop.toString());
        return notes(laptop).contains("p|from the phone");
      }, "pushed live: " + watch);
      assertTrue(watch.thread.isAlive(), watch::toString);

      String phoneId = CredentialsFile.read(phone).orElseThrow().deviceId();
      assertEquals(0, Cli.run("revoke", laptop.toString(), phoneId).exitCode());
      watch.thread.join(30_000);

      assertEquals(1, watch.exit.get(), watch::toString);
      assertEquals(1, watch.err.toString().lines().count(), watch::toString);
      assertTrue(watch.err.toString().startsWith("lattice: the server refused this device: it was revoked"),
          watch::toString);
      assertTrue(watch.out.toString().lines().allMatch(l -> l.length() < 400 && !l.contains("\tat ")),
          watch::toString);
    }
  }

  @Test
  void watchStopsCleanlyWhenAskedAndRefusesAFile() throws Exception {
    try (LatticeServer server = LatticeServer.startWithRelay(ServerConfig.defaults().withPort(0)
        .withDataDir(dir.resolve("server")).withAdminToken(ADMIN))) {
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 1);
      ServerSpace.create(server, ADMIN).join(laptop);
      Running watch = new Running("sync", laptop.toString(), "--watch");
      await(() -> watch.out.toString().contains("up to date"), watch);

      watch.thread.interrupt(); // as Ctrl-C does through the shutdown hook
      watch.thread.join(30_000);

      assertEquals(0, watch.exit.get(), watch::toString);
      assertTrue(watch.out.toString().contains("Stopped watching"), watch::toString);
      Cli.Run file = Cli.run(PASSPHRASE, "sync", laptop.toString(), "--watch", "--peer",
          dir.resolve("other.db").toString());
      assertEquals(1, file.exitCode(), file::toString);
      assertTrue(file.err().contains("--watch syncs with a server"), file::toString);
    }
  }
}
