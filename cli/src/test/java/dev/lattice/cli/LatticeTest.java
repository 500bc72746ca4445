package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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
