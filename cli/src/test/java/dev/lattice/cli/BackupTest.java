package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.sync.crypto.KdfParams;
import dev.lattice.sync.crypto.SpaceKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lattice export and import: an encrypted backup, restored as a new replica that syncs on with the old one's peers. */
class BackupTest {
  private static final Map<String, String> PASSPHRASE = Map.of(Lattice.PASSPHRASE_VARIABLE, "correct horse");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Supplier<KdfParams> realParams;

  @BeforeEach
  void cheapKeys() {
    realParams = ExportCommand.newBackupParams;
    ExportCommand.newBackupParams = () -> KdfParams.cheapForTests(new byte[16]);
  }

  @AfterEach
  void realKeys() {
    ExportCommand.newBackupParams = realParams;
  }

  private static JsonNode status(Path db) throws Exception {
    return JSON.readTree(Cli.run("status", db.toString(), "--json").out());
  }

  private Path exported(Path db) {
    Path backup = dir.resolve("backup.lattice");
    Cli.Run run = Cli.run(PASSPHRASE, "export", db.toString(), backup.toString());
    assertEquals(0, run.exitCode(), run::toString);
    return backup;
  }

  @Test
  void aRestoredReplicaGetsANewSiteIdAndSyncsOnWithThePeersOfTheOriginal() throws Exception {
    Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 3);
    Path phone = Fixtures.notes(dir.resolve("phone.db"), 0);
    assertEquals(0, Cli.run("sync", laptop.toString(), "--peer", phone.toString()).exitCode());
    Path backup = exported(laptop);
    Path restored = dir.resolve("restored.db");

    Cli.Run run = Cli.run(PASSPHRASE, "import", backup.toString(), restored.toString());

    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.out().contains("new site id"), run::toString);
    String oldSite = status(laptop).get("siteId").asText();
    String newSite = status(restored).get("siteId").asText();
    assertNotEquals(oldSite, newSite);
    assertEquals(3, status(restored).get("versionVector").get(oldSite).asLong(), "holds the old site's writes");
    assertEquals(status(phone).get("treeRoot"), status(restored).get("treeRoot"), "the same state");

    Fixtures.exec(restored, "INSERT INTO notes VALUES ('r', 'restored', '')");
    Fixtures.exec(phone, "INSERT INTO notes VALUES ('p', 'phone', '')", "UPDATE notes SET title = 'p' WHERE id = 'n0'");
    Fixtures.exec(laptop, "INSERT INTO notes VALUES ('l', 'the original lives on', '')");
    Cli.Run sync = Cli.run("sync", restored.toString(), "--peer", phone.toString());
    Cli.Run original = Cli.run("sync", laptop.toString(), "--peer", phone.toString());
    Cli.Run again = Cli.run("sync", restored.toString(), "--peer", phone.toString());

    // restored -> phone: row r (3 cells); phone -> restored: row p (3) and n0.title (1). Nothing the other held.
    assertTrue(sync.out().contains(": 7 cell(s) applied, 0 already held"), sync::toString);
    assertEquals(0, original.exitCode(), original::toString);
    assertTrue(again.out().contains(": 3 cell(s) applied, 0 already held"), "the original's row l: " + again);
    List<String> rows = Fixtures.rows(restored, "SELECT id, title FROM notes ORDER BY id");
    assertEquals(List.of("l|the original lives on", "n0|p", "n1|title 1", "n2|title 2", "p|phone", "r|restored"),
        rows);
    assertEquals(rows, Fixtures.rows(phone, "SELECT id, title FROM notes ORDER BY id"));
    assertEquals(status(phone).get("treeRoot"), status(restored).get("treeRoot"));
    assertEquals(status(phone).get("cells"), status(restored).get("cells"));
  }

  @Test
  void theHeaderDescribesTheBackupWithoutThePassphrase() throws Exception {
    Path backup = exported(Fixtures.notes(dir.resolve("laptop.db"), 2));

    List<String> lines = Files.readAllLines(backup, StandardCharsets.ISO_8859_1).subList(0, 2);

    assertEquals(Backup.MAGIC, lines.get(0));
    JsonNode header = JSON.readTree(lines.get(1));
    assertEquals(1, header.get("format").asInt());
    assertEquals(2, header.get("tables").get("notes").asLong());
    assertEquals("Argon2id", header.get("kdf").get("algorithm").asText());
    assertEquals("XChaCha20-Poly1305", header.get("cipher").asText());
    assertEquals(32, header.get("sourceSite").asText().length());
    assertFalse(new String(Files.readAllBytes(backup), StandardCharsets.ISO_8859_1).contains("title 1"),
        "rows are sealed");
  }

  @Test
  void aWrongPassphraseATamperedChunkOrATruncatedFile_restoreNothing() throws Exception {
    Path backup = exported(Fixtures.notes(dir.resolve("laptop.db"), 2));
    byte[] bytes = Files.readAllBytes(backup);
    byte[] tampered = bytes.clone();
    tampered[tampered.length - 20] ^= 1;
    Path tamperedFile = Files.write(dir.resolve("tampered.lattice"), tampered);
    Path truncatedFile = Files.write(dir.resolve("truncated.lattice"), Arrays.copyOf(bytes, bytes.length - 100));
    Path notABackup = Files.write(dir.resolve("notes.txt"), "hello\n".getBytes(StandardCharsets.UTF_8));
    Path target = dir.resolve("restored.db");

    Cli.Run wrong = Cli.run(Map.of(Lattice.PASSPHRASE_VARIABLE, "wrong"), "import", backup.toString(),
        target.toString());
    Cli.Run altered = Cli.run(PASSPHRASE, "import", tamperedFile.toString(), target.toString());
    Cli.Run truncated = Cli.run(PASSPHRASE, "import", truncatedFile.toString(), target.toString());
    Cli.Run other = Cli.run(PASSPHRASE, "import", notABackup.toString(), target.toString());

    assertTrue(wrong.err().contains("wrong passphrase"), wrong::toString);
    assertTrue(altered.err().contains("chunk 0 of the backup failed authentication"), altered::toString);
    assertTrue(truncated.err().contains("truncated"), truncated::toString);
    assertTrue(other.err().contains("not a Lattice backup"), other::toString);
    for (Cli.Run run : List.of(wrong, altered, truncated, other)) {
      assertEquals(1, run.exitCode(), run::toString);
      assertTrue(Cli.noStackTrace(run) && run.err().lines().count() == 1, run::toString);
    }
    assertFalse(Files.exists(target), "the target is not created");
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("restor")), "no temporary file is left");
    }
  }

  @Test
  void existingFilesAreNotReplacedWithoutForce_andAPlainDatabaseIsNotExported() throws Exception {
    Path laptop = Fixtures.notes(dir.resolve("laptop.db"), 1);
    Path backup = exported(laptop);
    Path plain = dir.resolve("plain.db");
    Fixtures.exec(plain, Fixtures.NOTES);

    Cli.Run exportAgain = Cli.run(PASSPHRASE, "export", laptop.toString(), backup.toString());
    Cli.Run importOver = Cli.run(PASSPHRASE, "import", backup.toString(), plain.toString());
    Cli.Run exportPlain = Cli.run(PASSPHRASE, "export", plain.toString(), dir.resolve("p.lattice").toString());
    Cli.Run forced = Cli.run(PASSPHRASE, "import", backup.toString(), plain.toString(), "--force");

    assertEquals(1, exportAgain.exitCode(), exportAgain::toString);
    assertTrue(exportAgain.err().contains("exists") && exportAgain.err().contains("--force"), exportAgain::toString);
    assertEquals(1, importOver.exitCode(), importOver::toString);
    assertEquals(1, exportPlain.exitCode(), exportPlain::toString);
    assertTrue(exportPlain.err().contains("not a Lattice replica"), exportPlain::toString);
    assertEquals(0, forced.exitCode(), forced::toString);
    assertEquals(List.of("n0|title 0"), Fixtures.rows(plain, "SELECT id, title FROM notes"));
  }

  /** The format itself, with small chunks: every chunk is bound to its place, the header and the end of the file. */
  @Test
  void chunksThatAreReorderedDroppedOrFollowedByMore_failAuthentication() throws Exception {
    byte[] snapshot = new byte[70];
    Arrays.fill(snapshot, (byte) 7);
    List<byte[]> chunks = List.of(Arrays.copyOfRange(snapshot, 0, 32), Arrays.copyOfRange(snapshot, 32, 64),
        Arrays.copyOfRange(snapshot, 64, 70));
    byte[] file;
    try (SpaceKey key = SpaceKey.derive("pw".toCharArray(), KdfParams.cheapForTests(new byte[16]))) {
      Backup.Header header = new Backup.Header(1, "now", "00".repeat(16), Map.of(), Backup.Kdf.of(key.params()),
          Backup.CIPHER, 32, 70, java.util.Base64.getEncoder().encodeToString(key.keyCheck()));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Backup.Writer writer = new Backup.Writer(out, header, key);
      for (int i = 0; i < chunks.size(); i++) {
        writer.chunk(chunks.get(i), i == chunks.size() - 1);
      }
      writer.finish();
      file = out.toByteArray();
    }
    int headerEnd = new String(file, StandardCharsets.ISO_8859_1).indexOf('\n', Backup.MAGIC.length() + 1) + 1;
    int sealed = 32 + 41 + 5;
    byte[] swapped = file.clone();
    System.arraycopy(file, headerEnd, swapped, headerEnd + sealed, sealed);
    System.arraycopy(file, headerEnd + sealed, swapped, headerEnd, sealed);
    byte[] withoutFinal = Arrays.copyOf(file, headerEnd + 2 * sealed);
    byte[] extra = Arrays.copyOf(file, file.length + 1);

    assertArrayEquals(snapshot, readAll(file));
    assertTrue(failure(swapped).contains("chunk 0 of the backup failed authentication"), failure(swapped));
    assertTrue(failure(withoutFinal).contains("truncated"), failure(withoutFinal));
    assertTrue(failure(extra).contains("data after its final chunk"), failure(extra));
  }

  private static byte[] readAll(byte[] file) throws Exception {
    Backup.Reader reader = new Backup.Reader(new ByteArrayInputStream(file));
    reader.unlock("pw".toCharArray());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] chunk; (chunk = reader.next()) != null; ) {
      out.write(chunk);
    }
    assertNull(reader.next());
    return out.toByteArray();
  }

  private static String failure(byte[] file) {
    return assertThrows(CommandFailure.class, () -> readAll(file)).getMessage();
  }
}
