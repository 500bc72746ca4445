package dev.lattice.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.sync.crypto.KdfParams;
import dev.lattice.sync.crypto.SealedDataException;
import dev.lattice.sync.crypto.SpaceKey;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * The backup file {@code lattice export} writes and {@code lattice import} reads: self-describing, encrypted and
 * authenticated as a whole.
 *
 * <pre>
 * LATTICE-BACKUP\n                      magic line
 * {"format":1, ...}\n                   header, one line of JSON (see {@link Header})
 * chunk 0, chunk 1, ... chunk n-1       each: final flag (1 byte) | length (4 bytes, big-endian) | sealed bytes
 * </pre>
 *
 * <p>The snapshot (a SQLite file made by {@code VACUUM INTO}) is cut into chunks of {@link Header#chunkBytes()} and
 * each is sealed with XChaCha20-Poly1305 ({@link SpaceKey#seal}, a random 24-byte nonce each) under a key derived from
 * the passphrase with Argon2id (parameters and salt in the header). Each chunk's associated data is
 * {@code "lattice backup v1" | SHA-256(header line) | chunk index (8 bytes) | final flag}: so a changed header, a chunk
 * moved to another place or taken from another backup, a dropped final chunk (truncation) or a final flag set early
 * all fail authentication, and the reader insists on exactly one final chunk, last. The header also carries a key check
 * ({@link SpaceKey#keyCheck}), so a wrong passphrase is told apart from a damaged file before any chunk is opened.
 * The primitives are Bouncy Castle's, through the sync protocol's {@code crypto} package; nothing here is new
 * cryptography, only the framing.
 */
final class Backup {
  static final String MAGIC = "LATTICE-BACKUP";
  static final int FORMAT = 1;
  static final String CIPHER = "XChaCha20-Poly1305";
  static final String KDF = "Argon2id";
  static final int DEFAULT_CHUNK_BYTES = 1 << 20;

  private static final int MAX_HEADER_BYTES = 1 << 20;
  private static final int SEAL_OVERHEAD = 1 + 24 + 16; // version, nonce, tag (SealedBox's format)
  private static final byte[] LABEL = "lattice backup v1".getBytes(StandardCharsets.US_ASCII);
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // a later format 1 writer may say more

  /**
   * What a backup says about itself, readable without the passphrase.
   *
   * @param format this layout's version, {@value #FORMAT}
   * @param created when the snapshot was taken, ISO-8601
   * @param sourceSite the site id of the replica it was taken from, hex
   * @param tables the tracked tables and their row counts in the snapshot
   * @param kdf how the key is derived from the passphrase
   * @param cipher {@value #CIPHER}
   * @param chunkBytes plaintext bytes per chunk (the last may be shorter)
   * @param snapshotBytes the snapshot's size, checked after the last chunk
   * @param keyCheck proof of the key (base64), so that a wrong passphrase is named as such
   */
  record Header(int format, String created, String sourceSite, Map<String, Long> tables, Kdf kdf, String cipher,
      int chunkBytes, long snapshotBytes, String keyCheck) {}

  /** Argon2id (version 0x13) with these costs and salt (base64). */
  record Kdf(String algorithm, int version, int memoryKiB, int iterations, int parallelism, String salt) {
    static Kdf of(KdfParams p) {
      return new Kdf(KDF, 0x13, p.memoryKiB(), p.iterations(), p.parallelism(),
          Base64.getEncoder().encodeToString(p.salt()));
    }

    KdfParams params() {
      if (!KDF.equals(algorithm) || version != 0x13) {
        throw new CommandFailure("this backup's key derivation is " + algorithm + " version " + version + "; this"
            + " lattice reads " + KDF + " version 19 only");
      }
      try {
        return KdfParams.of(Base64.getDecoder().decode(salt), memoryKiB, iterations, parallelism);
      } catch (IllegalArgumentException e) {
        throw new CommandFailure("this backup's key parameters are unusable (" + e.getMessage() + "): the file is"
            + " damaged or was not written by lattice export");
      }
    }
  }

  private Backup() {}

  /** Writes a backup: the header first, then the chunks as they are given, the last one flagged. */
  static final class Writer {
    private final DataOutputStream out;
    private final SpaceKey key;
    private final byte[] headerHash;
    private long index;

    Writer(OutputStream out, Header header, SpaceKey key) throws IOException {
      this.out = new DataOutputStream(out);
      this.key = key;
      byte[] line = JSON.writeValueAsBytes(header);
      this.headerHash = sha256(line);
      this.out.write((MAGIC + "\n").getBytes(StandardCharsets.US_ASCII));
      this.out.write(line);
      this.out.write('\n');
    }

    void chunk(byte[] plaintext, boolean last) throws IOException {
      byte[] sealed = key.seal(plaintext, associatedData(headerHash, index++, last));
      out.writeByte(last ? 1 : 0);
      out.writeInt(sealed.length);
      out.write(sealed);
    }

    void finish() throws IOException {
      out.flush();
    }
  }

  /** Reads a backup: the header on opening, then the chunks, each authenticated before it is returned. */
  static final class Reader {
    private final DataInputStream in;
    private final Header header;
    private final byte[] headerHash;
    private SpaceKey key;
    private long index;
    private boolean finished;

    Reader(InputStream in) throws IOException {
      this.in = new DataInputStream(in);
      String magic = new String(line(this.in, MAGIC.length() + 1), StandardCharsets.US_ASCII);
      if (!magic.equals(MAGIC)) {
        throw new CommandFailure("not a Lattice backup (it does not start with " + MAGIC + "): give a file that"
            + " lattice export wrote");
      }
      byte[] line = line(this.in, MAX_HEADER_BYTES);
      this.headerHash = sha256(line);
      JsonNode tree;
      try {
        tree = JSON.readTree(line);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new CommandFailure("the backup's header is damaged (" + e.getOriginalMessage() + ")");
      }
      int format = tree.path("format").asInt(-1);
      if (format != FORMAT) {
        throw new CommandFailure("backup format " + format + " is not one this lattice reads (" + FORMAT + "): use"
            + " the lattice version that wrote it, or a newer one");
      }
      this.header = JSON.treeToValue(tree, Header.class);
      if (!CIPHER.equals(header.cipher()) || header.kdf() == null || header.chunkBytes() < 1
          || header.keyCheck() == null) {
        throw new CommandFailure("the backup's header is incomplete or names another cipher (" + header.cipher()
            + "): the file is damaged or was not written by lattice export");
      }
    }

    Header header() {
      return header;
    }

    /** Derives the key from {@code passphrase} and checks it against the header's key check. */
    void unlock(char[] passphrase) {
      SpaceKey derived = SpaceKey.derive(passphrase, header.kdf().params());
      byte[] check;
      try {
        check = Base64.getDecoder().decode(header.keyCheck());
      } catch (IllegalArgumentException e) {
        check = new byte[0];
      }
      if (!derived.verifiesKeyCheck(check)) {
        derived.close();
        throw new CommandFailure("wrong passphrase for this backup (or its header was altered): nothing was restored");
      }
      key = derived;
    }

    /** The next chunk's plaintext, or null after the final one (when the file must end). */
    byte[] next() throws IOException {
      if (finished) {
        return null;
      }
      int flag = in.read();
      if (flag < 0) {
        throw new CommandFailure("the backup is truncated: it ends after chunk " + index + " without its final"
            + " chunk");
      }
      if (flag > 1) {
        throw new CommandFailure("the backup is damaged at chunk " + index + " (bad chunk flag " + flag + ")");
      }
      int length;
      byte[] sealed;
      try {
        length = in.readInt();
        if (length < SEAL_OVERHEAD || length > header.chunkBytes() + SEAL_OVERHEAD) {
          throw new CommandFailure("the backup is damaged at chunk " + index + " (impossible length " + length + ")");
        }
        sealed = in.readNBytes(length);
        if (sealed.length < length) {
          throw new EOFException();
        }
      } catch (EOFException e) {
        throw new CommandFailure("the backup is truncated in chunk " + index);
      }
      boolean last = flag == 1;
      byte[] plaintext;
      try {
        plaintext = key.open(sealed, associatedData(headerHash, index, last));
      } catch (SealedDataException e) {
        throw new CommandFailure("chunk " + index + " of the backup failed authentication: the file was altered,"
            + " reordered or damaged; nothing was restored");
      }
      index++;
      if (last) {
        finished = true;
        if (in.read() >= 0) {
          throw new CommandFailure("the backup has data after its final chunk: the file was altered");
        }
      }
      return plaintext;
    }

    void close() {
      if (key != null) {
        key.close();
      }
    }
  }

  /** The chunk's associated data: what binds it to its header, its place and whether it ends the file. */
  private static byte[] associatedData(byte[] headerHash, long index, boolean last) {
    return ByteBuffer.allocate(LABEL.length + headerHash.length + Long.BYTES + 1)
        .put(LABEL).put(headerHash).putLong(index).put((byte) (last ? 1 : 0)).array();
  }

  private static byte[] line(DataInputStream in, int max) throws IOException {
    byte[] buffer = new byte[Math.min(max, 4096)];
    int n = 0;
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0 || n == max) {
        throw new CommandFailure("not a Lattice backup, or its header is damaged: give a file that lattice export"
            + " wrote");
      }
      if (n == buffer.length) {
        buffer = java.util.Arrays.copyOf(buffer, Math.min(max, buffer.length * 2));
      }
      buffer[n++] = (byte) b;
    }
    return java.util.Arrays.copyOf(buffer, n);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
