package dev.lattice.cli;

import dev.lattice.driver.Replica;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code lattice compact}: gives back the space that capture and deletes leave behind: folds the capture log into row
 * clocks, checkpoints and truncates the WAL, and rebuilds the file ({@code VACUUM}). Tombstones, the clocks of deleted
 * rows, are kept: a peer that has not synced since the delete still holds the row, and without the tombstone its copy
 * would come back. When tombstones may be dropped is a separate decision, not this command's.
 */
@Command(name = "compact", mixinStandardHelpOptions = true,
    description = {"Fold the capture log, checkpoint the WAL and VACUUM; report the size before and after and what was"
        + " dropped. Tombstones (deleted rows' clocks) are kept. Writers wait while it runs."})
final class CompactCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "the database file")
  Path database;

  @Override
  public Integer call() throws Exception {
    long before = sizeOnDisk();
    long folded;
    long freePages;
    long pageSize;
    long tombstones;
    try (Connection c = Databases.openReplica(database);
        Progress progress = Progress.on(spec.commandLine().getErr(), "compact")) {
      progress.step(0, 3, "folding the capture log");
      folded = Replica.of(c).fold();
      progress.step(1, 3, "checkpointing the WAL");
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        freePages = Databases.oneLong(c, "PRAGMA freelist_count");
        pageSize = Databases.oneLong(c, "PRAGMA page_size");
        progress.step(2, 3, "VACUUM");
        s.execute("VACUUM");
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)"); // VACUUM in WAL mode writes the new pages to the WAL
      }
      tombstones = Databases.oneLong(c, "SELECT count(*) FROM lattice_rows WHERE cl % 2 = 0");
      progress.step(3, 3, "done");
    }
    long after = sizeOnDisk();
    PrintWriter out = spec.commandLine().getOut();
    out.println("Compacted " + database + ": " + Databases.size(before) + " -> " + Databases.size(after)
        + " (file and WAL).");
    out.println("  folded " + folded + " capture-log row(s) into row clocks (the log keeps only its newest row)");
    out.println("  dropped " + freePages + " free page(s) (" + Databases.size(freePages * pageSize) + ") and the WAL's"
        + " checkpointed frames");
    out.println("  kept " + tombstones + " tombstone(s): deleted rows' clocks, so that peers that still hold those"
        + " rows learn of the deletes");
    out.flush();
    return 0;
  }

  private long sizeOnDisk() throws Exception {
    Path wal = Path.of(database + "-wal");
    return Files.size(database) + (Files.exists(wal) ? Files.size(wal) : 0);
  }
}
