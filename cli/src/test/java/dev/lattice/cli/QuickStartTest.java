package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.driver.sync.AutoSync;
import dev.lattice.examples.notes.Notes;
import dev.lattice.server.LatticeServer;
import dev.lattice.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start, exactly as written there: every line of its block is run in order (the lattice command and
 * the example notes program, in this process), against the real server started here; what a line prints fills the
 * {@code <invite>} and {@code <code>} of later lines. Also: the example program keeps two databases in sync with
 * plain JDBC.
 */
@Timeout(240)
class QuickStartTest {
  private static final String ADMIN = "admin-token-for-cli-tests-0123456789-abcdefghijkl";
  private static final String PASSPHRASE = "correct horse battery staple";
  private static final Path README = Path.of(System.getProperty("lattice.fixtures", "../fixtures")).getParent()
      .resolve("README.md");

  @TempDir Path dir;

  @AfterEach
  void noProvider() {
    AutoSync.setPassphraseProvider(null);
  }

  /** The command lines of the README's quick-start block, comments dropped. */
  static List<String> quickStart() throws Exception {
    String readme = Files.readString(README);
    int begin = readme.indexOf("<!-- quick-start:begin");
    int end = readme.indexOf("<!-- quick-start:end -->");
    assertTrue(begin >= 0 && end > begin, "the README marks its quick start");
    List<String> lines = new ArrayList<>();
    for (String line : readme.substring(begin, end).split("\n")) {
      if (line.startsWith("./lattice ") || line.startsWith("examples/notes ")) {
        lines.add(line.replaceAll("\\s+#.*$", "").strip());
      }
    }
    return lines;
  }

  /** Words as a shell splits them: spaces, and double quotes around words with spaces. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
    while (m.find()) {
      words.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return words;
  }

  @Test
  void theReadmesQuickStartRunsAsWritten_andBringsTheNoteToTheSecondDevice() throws Exception {
    try (LatticeServer server = LatticeServer.startWithRelay(ServerConfig.defaults().withPort(0)
        .withDataDir(dir.resolve("server")).withAdminToken(ADMIN))) {
      // The app reads LATTICE_PASSPHRASE; a test cannot set variables of its own process, so it gives the same
      // passphrase the way an application may (the lattice command gets it as a variable, below).
      AutoSync.setPassphraseProvider(db -> PASSPHRASE.toCharArray());
      Map<String, String> environment = Map.of(Lattice.PASSPHRASE_VARIABLE, PASSPHRASE,
          SpaceCreateCommand.ADMIN_TOKEN_VARIABLE, ADMIN);
      Map<String, String> printed = new HashMap<>();
      List<String> lines = quickStart();
      assertTrue(lines.size() >= 5, lines::toString);
      String last = null;
      long phoneJoinMillis = -1;
      for (String line : lines) {
        List<String> words = new ArrayList<>();
        for (String word : words(line)) {
          String w = word.replace("http://127.0.0.1:7420", server.uri().toString());
          for (Map.Entry<String, String> p : printed.entrySet()) {
            w = w.replace("<" + p.getKey() + ">", p.getValue());
          }
          words.add(w.endsWith(".db") ? dir.resolve(w).toString() : w);
        }
        String output;
        int exit;
        long started = System.nanoTime();
        if (words.get(0).equals("./lattice")) {
          StringWriter out = new StringWriter();
          StringWriter err = new StringWriter();
          exit = Lattice.commandLine(environment).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
              .execute(words.subList(1, words.size()).toArray(String[]::new));
          output = out + err.toString();
        } else {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          exit = Notes.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
              words.subList(1, words.size()).toArray(String[]::new));
          output = bytes.toString(StandardCharsets.UTF_8);
        }
        assertEquals(0, exit, () -> line + "\n" + printed + "\n" + String.join(" ", words));
        for (String secret : List.of("invite", "code")) {
          Matcher m = Pattern.compile("--" + secret + " (\\S+)").matcher(output);
          if (m.find() && !line.contains("--" + secret)) {
            printed.put(secret, m.group(1));
          }
        }
        if (line.contains(" join phone.db ")) {
          phoneJoinMillis = (System.nanoTime() - started) / 1_000_000; // the join returns in sync
        }
        last = output;
      }
      assertEquals("- buy milk\n", last.replace("\r", ""), "the note reached the phone");
      System.out.println("quick start: the second device's join took it from nothing to in sync in "
          + phoneJoinMillis + " ms");
    }
  }

  @Test
  void theExampleProgramSyncsBothWays_withPlainJdbcAndOneJoinPerDatabase() throws Exception {
    try (LatticeServer server = LatticeServer.startWithRelay(ServerConfig.defaults().withPort(0)
        .withDataDir(dir.resolve("server")).withAdminToken(ADMIN))) {
      AutoSync.setPassphraseProvider(db -> PASSPHRASE.toCharArray());
      Path laptop = dir.resolve("laptop.db");
      Path phone = dir.resolve("phone.db");
      assertEquals("", notes(laptop, "add", "buy milk"));
      assertEquals("", notes(phone, "list"));
      for (Path db : List.of(laptop, phone)) {
        assertEquals(0, Cli.run("enable", db.toString(), "--all").exitCode());
      }
      ServerSpace space = ServerSpace.create(server, ADMIN);
      space.join(laptop);
      assertEquals(0, Cli.run(Map.of(Lattice.PASSPHRASE_VARIABLE, PASSPHRASE), "sync", laptop.toString()).exitCode());
      assertEquals(0, Cli.run(Map.of(Lattice.PASSPHRASE_VARIABLE, PASSPHRASE), "join", phone.toString(),
          server.uri().toString(), "--code", ServerSpace.pairingCode(laptop)).exitCode());

      assertEquals("- buy milk\n", notes(phone, "list"));
      notes(phone, "add", "call the plumber");
      assertEquals("- buy milk\n- call the plumber\n", notes(laptop, "list"));
    }
  }

  private static String notes(Path db, String... command) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String[] args = new String[command.length + 1];
    args[0] = db.toString();
    System.arraycopy(command, 0, args, 1, command.length);
    assertEquals(0, Notes.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), args));
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
