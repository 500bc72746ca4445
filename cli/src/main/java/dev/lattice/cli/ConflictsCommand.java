package dev.lattice.cli;

import dev.lattice.driver.Change;
import dev.lattice.driver.Conflict;
import dev.lattice.driver.Replica;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lattice conflicts}: the concurrent edits a replica recorded, and settling them. Merges never stop for a
 * conflict (the winner is applied, the loser kept), so this is where a person looks at what lost and decides.
 */
@Command(name = "conflicts", mixinStandardHelpOptions = true,
    description = {"List concurrent edits of one cell recorded on this replica (the winner is in the table, the loser"
        + " kept here); settle one with resolve, or forget them all with clear."},
    subcommands = {ConflictsCommand.Resolve.class, ConflictsCommand.Clear.class})
final class ConflictsCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "the database file")
  Path database;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = Databases.openReplica(database)) {
      List<Conflict> conflicts = Replica.of(c).conflicts();
      if (conflicts.isEmpty()) {
        out.println("No conflicts.");
      }
      for (Conflict k : conflicts) {
        out.println("#" + k.id() + "  " + k.table() + "[" + text(k.pk()) + "]." + k.column() + "  detected "
            + Instant.ofEpochMilli(k.detectedAtMillis()));
        out.println("    kept:  " + version(k.winner()));
        out.println("    lost:  " + version(k.loser()));
      }
      if (!conflicts.isEmpty()) {
        out.println(conflicts.size() + " conflict(s). Settle one: lattice conflicts " + database
            + " resolve <id> --keep | --take");
      }
    }
    out.flush();
    return 0;
  }

  private static String version(Change change) {
    return text(change.value()) + "  (site " + change.site() + ", seq " + change.seq() + ")";
  }

  private static String text(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof byte[] b) {
      return "x'" + HexFormat.of().formatHex(b) + "'";
    }
    return value instanceof String s ? "'" + s.replace("'", "''") + "'" : value.toString();
  }

  /** {@code lattice conflicts <db> resolve <id> --keep|--take}. */
  @Command(name = "resolve", mixinStandardHelpOptions = true,
      description = {"Settle one conflict: --keep the winner that is in the table, or --take the losing value (written"
          + " as an ordinary change that syncs)."})
  static final class Resolve implements Callable<Integer> {
    @ParentCommand
    ConflictsCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<id>", description = "the conflict's id, as listed")
    long id;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice {
      @Option(names = "--keep", required = true, description = "keep the value in the table")
      boolean keep;

      @Option(names = "--take", required = true, description = "write the losing value back")
      boolean take;
    }

    @Override
    public Integer call() throws Exception {
      try (Connection c = Databases.openReplica(parent.database)) {
        if (!Replica.of(c).resolve(id, choice.take)) {
          throw new CommandFailure("there is no conflict #" + id + " in " + parent.database + ": lattice conflicts "
              + parent.database + " lists them");
        }
      }
      spec.commandLine().getOut().println("Conflict #" + id + " resolved: " + (choice.take ? "took the losing value"
          + " (it syncs as a new write)" : "kept the value in the table") + ".");
      return 0;
    }
  }

  /** {@code lattice conflicts <db> clear}. */
  @Command(name = "clear", mixinStandardHelpOptions = true,
      description = "Forget every recorded conflict, keeping the values in the tables.")
  static final class Clear implements Callable<Integer> {
    @ParentCommand
    ConflictsCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      long cleared;
      try (Connection c = Databases.openReplica(parent.database)) {
        cleared = Replica.of(c).clearConflicts();
      }
      spec.commandLine().getOut().println("Cleared " + cleared + " conflict(s).");
      return 0;
    }
  }
}
