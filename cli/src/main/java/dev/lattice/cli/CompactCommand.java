package dev.lattice.cli;

import dev.lattice.core.VersionVector;
import dev.lattice.driver.Replica;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code lattice compact}: gives back the space that capture and deletes leave behind: folds the capture log into row
 * clocks, drops the tombstones (deleted rows' clocks) that every device of the space holds, checkpoints and truncates
 * the WAL, and rebuilds the file ({@code VACUUM}).
 *
 * <p>Which tombstones every device holds is known only to the server, which sees every device's vector: syncing with
 * it teaches this replica the space's stable point, and syncs drop the tombstones at or below it as they go. This
 * command drops any still held and says how many are kept and why: a tombstone above the point is a delete some device
 * may not have yet, and without it that device's copy of the row would come back.
 */
@Command(name = "compact", mixinStandardHelpOptions = true,
    description = {"Fold the capture log, drop the tombstones (deleted rows' clocks) every device of the space holds,"
        + " checkpoint the WAL and VACUUM; report the size before and after and what was dropped and kept. Which"
        + " tombstones every device holds is learned by syncing with the server. Writers wait while it runs."})
final class CompactCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "the database file")
  Path database;

  @Override
  public Integer call() throws Exception {
    long before = sizeOnDisk();
    long folded;
    long dropped;
    long freePages;
    long pageSize;
    long kept;
    VersionVector stable;
    try (Connection c = Databases.openReplica(database);
        Progress progress = Progress.on(spec.commandLine().getErr(), "compact")) {
      Replica replica = Replica.of(c);
      progress.step(0, 4, "folding the capture log");
      folded = replica.fold();
      progress.step(1, 4, "dropping tombstones every device holds");
      dropped = replica.dropStableTombstones();
      stable = replica.stablePoint();
      kept = replica.tombstones();
      progress.step(2, 4, "checkpointing the WAL");
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        freePages = Databases.oneLong(c, "PRAGMA freelist_count");
        pageSize = Databases.oneLong(c, "PRAGMA page_size");
        progress.step(3, 4, "VACUUM");
        s.execute("VACUUM");
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)"); // VACUUM in WAL mode writes the new pages to the WAL
      }
      progress.step(4, 4, "done");
    }
    long after = sizeOnDisk();
    PrintWriter out = spec.commandLine().getOut();
    out.println("Compacted " + database + ": " + Databases.size(before) + " -> " + Databases.size(after)
        + " (file and WAL).");
    out.println("  folded " + folded + " capture-log row(s) into row clocks (the log keeps only its newest row)");
    out.println("  dropped " + dropped + " tombstone(s) every device holds (syncs drop them as they learn the stable"
        + " point, so this is usually 0)");
    out.println("  dropped " + freePages + " free page(s) (" + Databases.size(freePages * pageSize) + ") and the WAL's"
        + " checkpointed frames");
    out.println("  kept " + kept + " tombstone(s): " + (kept == 0 ? "none left"
        : stable.entries().isEmpty()
            ? "no stable point is known yet; it is learned by syncing with the server once every device of the space"
                + " has synced since those deletes"
            : "deletes newer than the stable point, which some device may not have yet; they go once every device"
                + " has synced them"));
    out.flush();
    return 0;
  }

  private long sizeOnDisk() throws Exception {
    Path wal = Path.of(database + "-wal");
    return Files.size(database) + (Files.exists(wal) ? Files.size(wal) : 0);
  }
}
