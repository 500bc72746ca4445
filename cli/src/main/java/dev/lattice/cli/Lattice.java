package dev.lattice.cli;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.store.Encryption;
import java.io.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code lattice} command. Exit codes: 0 done, 1 failed (the message says why and what to do, never a stack
 * trace), 2 wrong usage.
 */
@Command(name = "lattice", mixinStandardHelpOptions = true, versionProvider = Lattice.Version.class,
    description = {"Sync for SQLite: enable a database, inspect it, sync it with a server or another device, back it"
        + " up, and run a sync server.",
        "Passphrases come from LATTICE_PASSPHRASE or, on a terminal, a prompt; never from a flag.",
        "Exit codes: 0 done, 1 failed (the message says what to do), 2 wrong usage."},
    subcommands = {EnableCommand.class, StatusCommand.class, ChangesCommand.class, ConflictsCommand.class,
        SpaceCommand.class, JoinCommand.class, PairCommand.class, DevicesCommand.class, RevokeCommand.class,
        SyncCommand.class, ServePeerCommand.class, ExportCommand.class, ImportCommand.class, CompactCommand.class,
        ServeCommand.class, CommandLine.HelpCommand.class})
public final class Lattice implements Runnable {
  /** The variable a passphrase is read from when no one is at a terminal to type it. */
  static final String PASSPHRASE_VARIABLE = "LATTICE_PASSPHRASE";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final Map<String, String> environment;

  private Lattice(Map<String, String> environment) {
    this.environment = environment;
  }

  public static void main(String[] args) {
    if (args.length == 0 || !args[0].equals("serve")) {
      // The server's logging (JSON lines on standard output) is for log collectors; a command's output is for people.
      System.setProperty("logback.configurationFile", "logback-cli.xml");
    }
    int code;
    try {
      code = commandLine().execute(args);
    } catch (Error e) { // picocli hands only exceptions to the handler; a broken install must not end in a trace either
      System.err.println("lattice: internal error: " + e + " (the installation may be broken: rebuild it)");
      code = 1;
    }
    System.exit(code);
  }

  /** The command line, configured as {@code main} runs it (tests use it too). */
  static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** As {@link #commandLine()}, reading variables ({@value #PASSPHRASE_VARIABLE}) from {@code environment}. */
  static CommandLine commandLine(Map<String, String> environment) {
    CommandLine cli = new CommandLine(new Lattice(Map.copyOf(environment)));
    cli.setExecutionExceptionHandler((e, command, parsed) -> {
      command.getErr().println("lattice: " + describe(e));
      command.getErr().flush();
      return 1;
    });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The value of an environment variable, or null. */
  String variable(String name) {
    return environment.get(name);
  }

  /**
   * How a device's payloads are sealed for its space: not at all when {@code plain}, else under the passphrase (from
   * the environment or typed), which is not kept.
   */
  Encryption spaceEncryption(boolean plain) {
    if (plain) {
      return Encryption.off();
    }
    char[] passphrase = passphrase("the space", false);
    try {
      return Encryption.passphrase(passphrase);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  /**
   * The passphrase, from {@value #PASSPHRASE_VARIABLE} or, on a terminal, typed without echo ({@code confirm}: twice,
   * for a passphrase that creates something). Never a flag: flags show in the process list and shell history.
   *
   * @param purpose what it is for, shown in the prompt and in the error when there is none
   */
  char[] passphrase(String purpose, boolean confirm) {
    String fromEnvironment = variable(PASSPHRASE_VARIABLE);
    if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
      return fromEnvironment.toCharArray();
    }
    Console console = System.console();
    if (console == null) {
      throw new CommandFailure("no passphrase for " + purpose + ": set " + PASSPHRASE_VARIABLE
          + " or run on a terminal to type it");
    }
    char[] typed = console.readPassword("Passphrase for %s: ", purpose);
    if (typed == null || typed.length == 0) {
      throw new CommandFailure("no passphrase was typed for " + purpose);
    }
    if (confirm) {
      char[] again = console.readPassword("Repeat it: ");
      boolean same = Arrays.equals(typed, again);
      if (again != null) {
        Arrays.fill(again, '\0');
      }
      if (!same) {
        Arrays.fill(typed, '\0');
        throw new CommandFailure("the two passphrases differ; nothing was done");
      }
    }
    return typed;
  }

  /** One line for an exception that ended a command: what went wrong, and what to do when the message says it. */
  static String describe(Throwable e) {
    if (e instanceof CommandLine.ExecutionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof UncheckedIOException u) {
      e = u.getCause();
    }
    String message = Objects.requireNonNullElse(e.getMessage(), "");
    if (e instanceof CommandFailure || e instanceof dev.lattice.sync.join.CredentialsException) {
      return message;
    }
    if (e instanceof SyncException s) {
      return "sync failed (" + s.code() + "): " + message;
    }
    if (e instanceof SQLException) {
      return "database error: " + message;
    }
    if (e instanceof IOException) {
      return "i/o error: " + (e instanceof java.nio.file.NoSuchFileException ? "no such file " + message
          : e instanceof java.nio.file.FileAlreadyExistsException ? "already exists: " + message : message);
    }
    return "unexpected " + e.getClass().getSimpleName() + ": " + message + " (a bug: please report it with the"
        + " command that caused it)";
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
