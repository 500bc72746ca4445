package dev.lattice.cli;

import dev.lattice.driver.Replica;
import dev.lattice.sync.crypto.KdfParams;
import dev.lattice.sync.crypto.SpaceKey;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lattice export}: an encrypted backup of a replica, in the format {@link Backup} describes. The snapshot is
 * taken with {@code VACUUM INTO}, which reads inside one transaction: the backup is one consistent state of the file
 * while the application keeps writing. The plaintext snapshot exists only as a temporary file (owner-only) beside the
 * output, deleted when the export ends.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write an encrypted backup of a replica: a consistent snapshot, sealed with a key from the"
        + " passphrase (LATTICE_PASSPHRASE or a prompt; Argon2id, XChaCha20-Poly1305). Restore with lattice import."})
final class ExportCommand implements Callable<Integer> {
  /** Key parameters for new backups; tests swap in cheap ones. */
  static volatile Supplier<KdfParams> newBackupParams = KdfParams::generate;

  @ParentCommand
  Lattice lattice;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "the replica to back up")
  Path database;

  @Parameters(index = "1", paramLabel = "<file>", description = "the backup file to write")
  Path file;

  @Option(names = "--force", description = "replace <file> if it exists")
  boolean force;

  @Override
  public Integer call() throws Exception {
    Databases.openReplica(database).close();
    if (Files.exists(file) && !force) {
      throw new CommandFailure(file + " exists: choose another name, or pass --force to replace it");
    }
    Path dir = file.toAbsolutePath().getParent();
    char[] passphrase = lattice.passphrase("the backup", true);
    Path snapshot = Files.createTempFile(dir, ".lattice-snapshot-", ".db");
    Path partial = Files.createTempFile(dir, "." + file.getFileName() + ".", ".partial");
    try {
      Backup.Header header = write(snapshot, partial, passphrase);
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      long rows = header.tables().values().stream().mapToLong(Long::longValue).sum();
      spec.commandLine().getOut().println("Exported " + database + " to " + file + ": " + header.tables().size()
          + " tracked table(s), " + rows + " row(s), " + Databases.size(Files.size(file)) + ", site "
          + header.sourceSite() + ". Restore it with lattice import " + file + " <db>.");
      spec.commandLine().getOut().flush();
      return 0;
    } finally {
      Arrays.fill(passphrase, '\0');
      Files.deleteIfExists(snapshot);
      Files.deleteIfExists(partial);
    }
  }

  /** Snapshots the database into {@code snapshot}, then writes the backup of it to {@code partial}. */
  private Backup.Header write(Path snapshot, Path partial, char[] passphrase) throws Exception {
    try (Progress progress = Progress.on(spec.commandLine().getErr(), "export")) {
      progress.step(0, 3, "snapshot");
      try (Connection c = Databases.open(database);
          PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
        vacuum.setString(1, snapshot.toString());
        vacuum.execute();
      }
      Backup.Header header;
      progress.step(1, 3, "deriving the key");
      try (SpaceKey key = SpaceKey.derive(passphrase, newBackupParams.get())) {
        header = header(snapshot, key);
        long chunks = Math.max(1, (header.snapshotBytes() + header.chunkBytes() - 1) / header.chunkBytes());
        try (InputStream in = Files.newInputStream(snapshot);
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
          Backup.Writer writer = new Backup.Writer(out, header, key);
          for (long i = 0; i < chunks; i++) {
            progress.update(i, chunks, "chunks");
            byte[] chunk = in.readNBytes(header.chunkBytes());
            writer.chunk(chunk, i == chunks - 1);
          }
          progress.update(chunks, chunks, "chunks");
          writer.finish();
        }
      }
      return header;
    }
  }

  /** Facts read from the snapshot itself, so that the header describes exactly what the chunks hold. */
  private static Backup.Header header(Path snapshot, SpaceKey key) throws Exception {
    Map<String, Long> tables = new LinkedHashMap<>();
    String site;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + snapshot)) {
      Replica replica = Replica.of(c);
      site = replica.siteId().toString();
      for (String table : replica.trackedTables()) {
        tables.put(table, Databases.rowCount(c, table));
      }
    }
    return new Backup.Header(Backup.FORMAT, Instant.now().toString(), site, tables, Backup.Kdf.of(key.params()),
        Backup.CIPHER, Backup.DEFAULT_CHUNK_BYTES, Files.size(snapshot),
        Base64.getEncoder().encodeToString(key.keyCheck()));
  }
}
