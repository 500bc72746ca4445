package dev.lattice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lattice} command. Exit codes: 0 done, 1 failed (the message says why and what to do), 2 wrong usage.
 */
@Command(name = "lattice", mixinStandardHelpOptions = true, versionProvider = Lattice.Version.class,
    description = "Sync for SQLite: run a sync server, and (soon) enable, inspect and sync databases.",
    subcommands = {ServeCommand.class, CommandLine.HelpCommand.class})
public final class Lattice implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, configured as {@code main} runs it (tests use it too). */
  static CommandLine commandLine() {
    return new CommandLine(new Lattice());
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The version of the build, from the jar's manifest when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Lattice.class.getPackage().getImplementationVersion();
      return new String[] {"lattice " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
