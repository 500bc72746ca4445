package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress bars are for people at a terminal: run a long export in a real JVM under a pseudo-terminal
 * ({@code script} from util-linux) and watch the bar redraw in place. Other tests see no bar at all, since they have
 * no terminal.
 */
@Timeout(120)
class TerminalProgressTest {
  private static final Pattern CHUNKS = Pattern.compile("\r(export  \\[[#.]+\\] +(\\d+)%  \\d+/(\\d+) chunks)");

  @TempDir Path dir;

  @Test
  void exportOnATerminal_redrawsItsProgressBarWithAGrowingPercentage() throws Exception {
    Path db = dir.resolve("big.db");
    Fixtures.exec(db, "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v BLOB)", "WITH RECURSIVE n(i) AS (SELECT 1"
        + " UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO t SELECT 'k' || i, randomblob(1000) FROM n");
    assertEquals(0, Cli.run("enable", db.toString(), "--all").exitCode());
    Path backup = dir.resolve("big.lattice");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = String.join(" ", quote(java), "-cp", quote(System.getProperty("java.class.path")),
        "dev.lattice.cli.Lattice", "export", quote(db.toString()), quote(backup.toString()));
    Path captured = dir.resolve("terminal.txt");
    ProcessBuilder script = new ProcessBuilder("script", "-qfec", command, "/dev/null")
        .redirectInput(new File("/dev/null"))
        .redirectOutput(captured.toFile())
        .redirectErrorStream(true);
    script.environment().put(Lattice.PASSPHRASE_VARIABLE, "correct horse");

    long started = System.nanoTime();
    Process process = script.start();
    assertTrue(process.waitFor(100, TimeUnit.SECONDS), "export did not end");
    long millis = (System.nanoTime() - started) / 1_000_000;

    String terminal = Files.readString(captured, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), terminal);
    List<Integer> percents = new ArrayList<>();
    Matcher m = CHUNKS.matcher(terminal);
    while (m.find()) {
      percents.add(Integer.parseInt(m.group(2)));
    }
    assertTrue(percents.size() >= 10, "successive redraws: " + percents + "\n" + terminal);
    for (int i = 1; i < percents.size(); i++) {
      assertTrue(percents.get(i) > percents.get(i - 1), "the percentage grows: " + percents);
    }
    assertEquals(100, percents.get(percents.size() - 1));
    assertTrue(terminal.contains("\nExported ") || terminal.contains("\r\nExported "), "the summary starts a line: "
        + terminal);
    assertTrue(millis > 1_000, "long enough to need a bar: " + millis + " ms");
  }

  /** A word for sh -c, quoted so that no character in it is special. */
  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
