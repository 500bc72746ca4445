package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command's surface: help on every level, exit codes scripts can rely on. */
class LatticeTest {
  @Test
  void helpListsTheCommandsAndExitsZero() {
    CommandLine cli = Lattice.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));

    assertEquals(0, cli.execute("--help"));
    assertTrue(out.toString().contains("serve"), out.toString());
  }

  @Test
  void everyCommandHasHelp_andTheRootListsThemAll() {
    List<String> commands = List.of("enable", "status", "changes", "conflicts", "sync", "serve-peer", "export",
        "import", "compact");
    String root = Cli.run("--help").out();
    for (String command : commands) {
      Cli.Run help = Cli.run(command, "--help");
      assertEquals(0, help.exitCode(), help::toString);
      assertTrue(help.out().startsWith("Usage: lattice " + command), help::toString);
      assertTrue(root.contains("  " + command + " "), root);
    }
    assertEquals(0, Cli.run("conflicts", "x.db", "resolve", "--help").exitCode());
    assertEquals(0, Cli.run("conflicts", "x.db", "clear", "--help").exitCode());
  }

  @Test
  void anUnknownCommandIsAUsageErrorWithExitCode2() {
    CommandLine cli = Lattice.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));

    assertEquals(2, cli.execute("frobnicate"));
    assertTrue(err.toString().contains("frobnicate"), err.toString());
  }

  @Test
  void serveHelpListsTheServersFlagsAndTheirVariables() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Lattice.commandLine().execute("serve", "--help"));
    } finally {
      System.setOut(original);
    }
    String help = captured.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("--port") && help.contains("LATTICE_PORT") && help.contains("--data-dir"), help);
  }
}
