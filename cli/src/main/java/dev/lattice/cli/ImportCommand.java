package dev.lattice.cli;

import dev.lattice.core.SiteId;
import dev.lattice.driver.Replica;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine;

/**
 * {@code lattice import}: restores a backup that {@code lattice export} wrote, as a new replica.
 *
 * <p>The restored database gets a <em>new site id</em> ({@link Replica#renewSiteId()}). The device the backup came
 * from may still be alive, or may already have synced writes numbered after the backup was taken; if the restored file
 * kept its site id, its next writes would reuse those sequence numbers, and every peer that holds the originals would
 * take the new writes for ones it already has and silently ignore them. Under a new id its writes are new to everyone,
 * and what the backup held stays attributed to the old id, so nothing is sent twice.
 *
 * <p>Nothing is written to the target until everything checked out: the chunks are opened into a temporary file beside
 * it (every chunk authenticated, the size as the header says), SQLite checks the file ({@code PRAGMA integrity_check}),
 * it must be a Lattice replica, and only then is it renamed into place.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Restore a backup written by lattice export into a new database file (refused if it exists,"
        + " unless --force). The restored replica gets a new site id; the passphrase comes from LATTICE_PASSPHRASE or"
        + " a prompt."})
final class ImportCommand implements Callable<Integer> {
  @ParentCommand
  Lattice lattice;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<file>", description = "the backup file")
  Path file;

  @Parameters(index = "1", paramLabel = "<db>", description = "the database file to create")
  Path database;

  @Option(names = "--force", description = "replace <db> if it exists (stop its applications first)")
  boolean force;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(file)) {
      throw new CommandFailure("no backup at " + file + ": check the path");
    }
    if (Files.exists(database) && !force) {
      throw new CommandFailure(database + " exists: choose another name, or pass --force to replace it");
    }
    Path dir = database.toAbsolutePath().getParent();
    Path restoring = Files.createTempFile(dir, "." + database.getFileName() + ".", ".restoring");
    boolean done = false;
    try {
      Backup.Header header = decrypt(restoring);
      SiteId renewed = check(restoring);
      for (String stale : new String[] {"-wal", "-shm", "-journal"}) {
        Files.deleteIfExists(Path.of(database + stale)); // a replaced file's journal must not be applied to this one
      }
      Files.move(restoring, database, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      done = true;
      spec.commandLine().getOut().println("Restored " + database + " from the backup of site " + header.sourceSite()
          + " taken " + header.created() + " (" + header.tables().size() + " tracked table(s)). Its new site id is "
          + renewed + ": the backup's site stays an ordinary peer, so the original device, if it is still in use, and"
          + " this copy can both keep writing.");
      spec.commandLine().getOut().flush();
      return 0;
    } finally {
      if (!done) {
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
          Files.deleteIfExists(Path.of(restoring + suffix));
        }
      }
    }
  }

  /** Opens every chunk of the backup into {@code restoring}; returns the backup's header. */
  private Backup.Header decrypt(Path restoring) throws Exception {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        Progress progress = Progress.on(spec.commandLine().getErr(), "import")) {
      Backup.Reader reader = new Backup.Reader(in);
      Backup.Header header = reader.header();
      char[] passphrase = lattice.passphrase("the backup", false);
      try {
        reader.unlock(passphrase);
      } finally {
        Arrays.fill(passphrase, '\0');
      }
      long chunks = Math.max(1, (header.snapshotBytes() + header.chunkBytes() - 1) / header.chunkBytes());
      long written = 0;
      try (OutputStream out = Files.newOutputStream(restoring)) {
        long i = 0;
        for (byte[] chunk; (chunk = reader.next()) != null; i++) {
          progress.update(i, chunks, "chunks");
          out.write(chunk);
          written += chunk.length;
        }
        progress.update(chunks, chunks, "chunks");
      } finally {
        reader.close();
      }
      if (written != header.snapshotBytes()) {
        throw new CommandFailure("the backup holds " + written + " bytes where its header says "
            + header.snapshotBytes() + ": the file was altered; nothing was restored");
      }
      return header;
    }
  }

  /** Checks the restored file as SQLite and as a replica, then gives it its new site id. */
  private static SiteId check(Path restored) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored)) {
      List<String> problems = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
        while (r.next()) {
          problems.add(r.getString(1));
        }
      }
      if (!problems.equals(List.of("ok"))) {
        throw new CommandFailure("the restored database fails SQLite's integrity check (" + String.join("; ",
            problems.subList(0, Math.min(3, problems.size()))) + "): nothing was restored");
      }
      if (!Databases.isReplica(c)) {
        throw new CommandFailure("the backup does not hold a Lattice replica: nothing was restored");
      }
      SiteId renewed = Replica.of(c).renewSiteId();
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)"); // everything in the main file before it is moved
      }
      return renewed;
    }
  }
}
