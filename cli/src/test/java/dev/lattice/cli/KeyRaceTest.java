package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.server.LatticeServer;
import dev.lattice.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two devices of a new space syncing for the first time at the same moment: both find no key on the server and make
 * one; the second to arrive takes the first's instead of failing. Several spaces, so that the race is met whichever
 * device wins it.
 */
@Timeout(300)
class KeyRaceTest {
  private static final String ADMIN = "admin-token-for-cli-tests-0123456789-abcdefghijkl";
  private static final Map<String, String> PASSPHRASE = Map.of(Lattice.PASSPHRASE_VARIABLE, "correct horse");
  private static final int SPACES = 4;

  @TempDir Path dir;

  @Test
  void twoFreshDevicesSyncingAtOnce_bothEndWithTheSpacesKey_andInSync() throws Exception {
    ExecutorService devices = Executors.newFixedThreadPool(2);
    try (LatticeServer server = LatticeServer.startWithRelay(ServerConfig.defaults().withPort(0)
        .withDataDir(dir.resolve("server")).withAdminToken(ADMIN))) {
      for (int space = 0; space < SPACES; space++) {
        Path laptop = Fixtures.notes(dir.resolve("laptop" + space + ".db"), 0);
        Path phone = Fixtures.notes(dir.resolve("phone" + space + ".db"), 0);
        Fixtures.exec(laptop, "INSERT INTO notes VALUES ('l', 'from the laptop', '')");
        Fixtures.exec(phone, "INSERT INTO notes VALUES ('p', 'from the phone', '')");
        ServerSpace.create(server, ADMIN).join(laptop, phone);

        CountDownLatch go = new CountDownLatch(1);
        List<Future<Cli.Run>> runs = List.of(laptop, phone).stream().map(db -> devices.submit(() -> {
          go.await();
          return Cli.run(PASSPHRASE, "sync", db.toString());
        })).toList();
        go.countDown();
        for (Future<Cli.Run> run : runs) {
          assertEquals(0, run.get().exitCode(), run.get()::toString);
        }
        for (Path db : List.of(laptop, phone)) { // each brings what the other pushed after it had pulled
          assertEquals(0, Cli.run(PASSPHRASE, "sync", db.toString()).exitCode());
        }

        assertEquals(key(laptop), key(phone), "one key for the space");
        assertEquals(List.of("l", "p"), Fixtures.rows(laptop, "SELECT id FROM notes ORDER BY id"));
        assertEquals(List.of("l", "p"), Fixtures.rows(phone, "SELECT id FROM notes ORDER BY id"));
      }
    } finally {
      devices.shutdownNow();
    }
  }

  /** The space key's parameters as the device keeps them (the salt tells spaces apart). */
  private static List<String> key(Path db) throws Exception {
    return Fixtures.rows(db, "SELECT hex(salt), memory_kib, iterations, parallelism FROM lattice_space_key");
  }
}
