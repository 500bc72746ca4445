package dev.lattice.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the lattice command in this process, as main would, with its output captured. */
final class Cli {
  /** What one run of a command did. */
  record Run(int exitCode, String out, String err) {
    /** Output and errors, for assertion messages. */
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private Cli() {}

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  /** Runs with {@code environment} as the only environment variables the command sees. */
  static Run run(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lattice.commandLine(environment)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** A failure must say what happened in one line, never with a stack trace. */
  static boolean noStackTrace(Run run) {
    return !run.err().contains("\tat ") && !run.err().contains("Exception:") && !run.out().contains("\tat ");
  }
}
