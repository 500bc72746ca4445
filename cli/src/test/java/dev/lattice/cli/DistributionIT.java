package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as an operator gets it: {@code lattice.jar} alone in an empty directory, no Maven, no sources, no
 * class path but the JRE's, started with {@code java -jar lattice.jar serve} as a process of its own. Two devices sync
 * a real database through it. Runs after {@code package} (failsafe), on the jar that was just built.
 */
class DistributionIT {
  private static final String ADMIN = "admin-token-for-the-distribution-test-0123456789";
  private static final Pattern LISTENING = Pattern.compile("Lattice server listening on (http://\\S+),");

  @TempDir Path dir;

  @Test
  @Timeout(90)
  void theJarAloneServes_andTwoDevicesSyncThroughIt() throws Exception {
    Path built = Path.of(System.getProperty("lattice.jar", "target/lattice.jar"));
    assertTrue(Files.isRegularFile(built), "mvn package builds " + built);
    Path home = Files.createDirectories(dir.resolve("opt"));
    Path jar = Files.copy(built, home.resolve("lattice.jar"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    Path log = dir.resolve("server.log");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "serve", "--port", "0",
        "--data-dir", "data").directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    // Nothing of the build's environment: no Maven, no class path; the configuration through a LATTICE_ variable.
    builder.environment().clear();
    builder.environment().put("LATTICE_ADMIN_TOKEN", ADMIN);
    // Output to a file, not a pipe: a pipe's last lines can be lost to a reader when the process exits.
    Process server = builder.start();
    try {
      URI uri = awaitAddress(server, log);
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(uri.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health::body);

      ServerSpace space = ServerSpace.create(uri, ADMIN);
      Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 25);
      Path phone = Fixtures.notes(dir.resolve("phone.db"), 0);
      space.join(laptop, phone);
      sync(laptop);
      sync(phone);

      assertEquals(Fixtures.rows(laptop, "SELECT id, title, body FROM notes ORDER BY id"),
          Fixtures.rows(phone, "SELECT id, title, body FROM notes ORDER BY id"));
      assertEquals(List.of("25"), Fixtures.rows(phone, "SELECT count(*) FROM notes"));
      assertTrue(Files.isRegularFile(home.resolve("data/server.db")) && Files.isRegularFile(home.resolve("data/relay.db")),
          "the data is where --data-dir says");
    } finally {
      server.destroy(); // SIGTERM, as systemd or a container runtime stops it
      boolean stopped = server.waitFor(30, TimeUnit.SECONDS);
      if (!stopped) {
        server.destroyForcibly();
      }
      assertTrue(stopped, "the server stops on SIGTERM");
    }
    String output = Files.readString(log);
    assertTrue(output.contains("\"stopped\""), () -> "it stops gracefully, and says so\n" + output);
  }

  /** The address the server prints once it listens (it chose a free port). */
  private static URI awaitAddress(Process server, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(Files.readString(log));
      if (m.find()) {
        return URI.create(m.group(1));
      }
      if (!server.isAlive()) {
        throw new AssertionError("the server ended before it listened:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the server did not listen within 60 s:\n" + Files.readString(log));
  }

  private static void sync(Path db) {
    Cli.Run run = Cli.run(Map.of(Lattice.PASSPHRASE_VARIABLE, "correct horse"), "sync", db.toString());
    assertEquals(0, run.exitCode(), run::toString);
  }
}
