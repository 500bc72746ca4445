package dev.lattice.cli;

import dev.lattice.driver.Replica;
import dev.lattice.driver.TrackCheck;
import dev.lattice.driver.TrackOptions;
import dev.lattice.driver.TrackReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lattice enable}: starts capture on an existing database's tables. It reports on every candidate table first,
 * because what makes a table untrackable (no primary key, nullable key columns) or risky (keys SQLite numbers itself,
 * extra UNIQUE constraints) is the application's design, and the person enabling sync should see all of it at once,
 * not one refusal per attempt. Tables named explicitly are all-or-nothing: if one cannot be tracked, none is, so that a
 * half-enabled database does not sync a subset the person did not ask for.
 */
@Command(name = "enable", mixinStandardHelpOptions = true,
    description = {"Track tables of an existing database: report on each candidate (trackable or not, why, and risks),"
        + " then capture the rows already there and every later write.",
        "With --tables, nothing is tracked unless every named table can be. --dry-run only reports."})
final class EnableCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "the SQLite database file")
  Path database;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  static final class Which {
    @Option(names = "--all", required = true, description = "every table but SQLite's and Lattice's own")
    boolean all;

    @Option(names = "--tables", required = true, split = ",", paramLabel = "<table>",
        description = "these tables, comma-separated")
    List<String> tables;
  }

  @Option(names = "--dry-run", description = "print the report, change nothing")
  boolean dryRun;

  @Option(names = "--counter", paramLabel = "<table.column>",
      description = "a column that merges by summing each device's increments (repeatable)")
  List<String> counters = new ArrayList<>();

  @Option(names = "--numbered", split = ",", paramLabel = "<table>",
      description = {"tables whose keys SQLite (or the application) numbers, numbered for sync so that rows two devices"
          + " insert at once both survive: a row's id changes once, at its first sync (comma-separated, repeatable)"})
  List<String> numbered = new ArrayList<>();

  @Override
  public Integer call() throws SQLException {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Set<String>> countersByTable = counters();
    try (Connection c = Databases.open(database)) {
      Replica replica = Replica.of(c);
      List<String> candidates = which.all ? ApplicationTables.of(c) : new ArrayList<>(new LinkedHashSet<>(which.tables));
      for (String table : countersByTable.keySet()) {
        if (!candidates.contains(table)) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--counter names table " + table
              + ", which is not among the tables to enable " + candidates);
        }
      }
      for (String table : numbered) {
        if (!candidates.contains(table)) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--numbered names table " + table
              + ", which is not among the tables to enable " + candidates);
        }
      }
      Set<String> tracked = Databases.isReplica(c) ? new TreeSet<>(replica.trackedTables()) : Set.of();

      out.println("Tables of " + database + ":");
      List<String> toTrack = new ArrayList<>();
      List<String> refused = new ArrayList<>();
      for (String table : candidates) {
        TrackOptions options = options(table, countersByTable);
        TrackCheck check = replica.inspect(table, options);
        if (!check.trackable()) {
          refused.add(table);
          out.println("  " + table + ": cannot be tracked: " + check.problem() + ".");
          out.println("      fix: " + check.fix() + ".");
          continue;
        }
        boolean already = tracked.contains(table);
        out.println("  " + table + ": " + (already ? "already tracked" : "trackable")
            + (options.counters().isEmpty() ? "" : ", counters " + String.join(", ", options.counters()))
            + (options.numbered() ? ", numbered for sync" : ""));
        check.warnings().forEach(w -> out.println("      warning: " + w));
        if (!already) {
          toTrack.add(table);
        }
      }
      out.flush();

      if (!which.all && !refused.isEmpty()) {
        throw new CommandFailure(refused.size() + " of the named tables cannot be tracked (" + String.join(", ", refused)
            + "), so nothing was tracked: fix them as shown, or leave them out of --tables");
      }
      if (dryRun) {
        out.println("Dry run: nothing was changed. " + toTrack.size() + " table(s) would be tracked"
            + (refused.isEmpty() ? "." : ", " + refused.size() + " skipped."));
        return 0;
      }
      track(c, replica, toTrack, countersByTable, refused.size(), out);
      return 0;
    }
  }

  private void track(Connection c, Replica replica, List<String> tables, Map<String, Set<String>> countersByTable,
      int skipped, PrintWriter out) throws SQLException {
    long started = System.nanoTime();
    long captured = 0;
    try (Progress progress = Progress.on(spec.commandLine().getErr(), "enable")) {
      for (int i = 0; i < tables.size(); i++) {
        String table = tables.get(i);
        progress.step(i, tables.size(), table);
        TrackReport report = replica.track(table, options(table, countersByTable));
        captured += report.rowsCaptured();
      }
      progress.step(tables.size(), tables.size(), "done");
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    out.println("Enabled " + tables.size() + " table(s) in " + millis + " ms: " + captured + " existing row(s)"
        + " captured" + (skipped == 0 ? "" : ", " + skipped + " table(s) skipped") + ". Site id "
        + replica.siteId() + ".");
  }

  private TrackOptions options(String table, Map<String, Set<String>> countersByTable) {
    return new TrackOptions(countersByTable.getOrDefault(table, Set.of()), numbered.contains(table));
  }

  private Map<String, Set<String>> counters() {
    Map<String, Set<String>> byTable = new TreeMap<>();
    for (String counter : counters) {
      int dot = counter.lastIndexOf('.');
      if (dot <= 0 || dot == counter.length() - 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--counter takes table.column, was " + counter);
      }
      byTable.computeIfAbsent(counter.substring(0, dot), t -> new TreeSet<>()).add(counter.substring(dot + 1));
    }
    return byTable;
  }
}
