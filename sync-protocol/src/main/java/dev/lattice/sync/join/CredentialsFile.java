package dev.lattice.sync.join;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.sync.join.CredentialsException.Kind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Where a joined database's {@link JoinedDevice} is kept: a file beside the database, {@code <db>.lattice-credentials},
 * readable and writable by its owner only (POSIX 600, set when the file is created, so it is never readable by others
 * even for a moment).
 *
 * <p>Why a file of its own and not a table in the database: anything in the database travels with it, into
 * {@code lattice export} backups, copies, and every tool that opens it; the token must not. Beside the database, it
 * moves with the database's directory and is found from the database's path alone (by the CLI and the driver). The
 * file names the replica's site id, so a copy of the database or a restored backup (which gets a new site id) is not
 * taken for the device that joined.
 */
public final class CredentialsFile {
  /** What the credentials file's name adds to the database's. */
  public static final String SUFFIX = ".lattice-credentials";

  private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** The file's content: the record's fields, the server as text. */
  private record Stored(int format, String server, String spaceId, String deviceId, String token, String siteId) {}

  private CredentialsFile() {}

  /** The credentials file of {@code database}. */
  public static Path of(Path database) {
    Path absolute = database.toAbsolutePath().normalize();
    return absolute.resolveSibling(absolute.getFileName() + SUFFIX);
  }

  /**
   * The credentials stored for {@code database}, or empty when it never joined.
   *
   * @throws CredentialsException {@link Kind#OPEN_TO_OTHERS} if other users may read the file, {@link Kind#DAMAGED}
   *     if it is not one this class wrote
   */
  public static Optional<JoinedDevice> read(Path database) throws IOException {
    Path file = of(database);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    if (isPosix(file) && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
      throw new CredentialsException(Kind.OPEN_TO_OTHERS, file + " may be read by other users, so this device's"
          + " token may have leaked: revoke this device (lattice revoke on another device), delete the file and join"
          + " again");
    }
    try {
      Stored s = JSON.readValue(file.toFile(), Stored.class);
      if (s.format() != 1 || s.server() == null || s.spaceId() == null || s.deviceId() == null || s.token() == null
          || s.siteId() == null) {
        throw new CredentialsException(Kind.DAMAGED, file + " is not a Lattice credentials file (fields are missing):"
            + " delete it and join again");
      }
      return Optional.of(new JoinedDevice(URI.create(s.server()), s.spaceId(), s.deviceId(), s.token(), s.siteId()));
    } catch (JacksonException | IllegalArgumentException e) {
      throw new CredentialsException(Kind.DAMAGED, file + " is not a Lattice credentials file (it is not the JSON"
          + " lattice join writes): delete it and join again");
    }
  }

  /**
   * Stores {@code device} for {@code database}, readable by the owner only: written to a temporary file created with
   * those permissions, then renamed into place, so a crash leaves either no file or a whole one.
   *
   * @throws CredentialsException {@link Kind#ALREADY_JOINED} if the database has credentials already
   */
  public static void write(Path database, JoinedDevice device) throws IOException {
    Path file = of(database);
    if (Files.exists(file)) {
      throw new CredentialsException(Kind.ALREADY_JOINED, database + " has joined a space already (" + file + ")");
    }
    Path dir = file.getParent();
    Path temporary = isPosix(dir)
        ? Files.createTempFile(dir, ".lattice-credentials", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        : Files.createTempFile(dir, ".lattice-credentials", ".tmp");
    try {
      JSON.writeValue(temporary.toFile(), new Stored(1, device.server().toString(), device.spaceId(),
          device.deviceId(), device.token(), device.siteId()));
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Removes the credentials of {@code database}; true if there were some. */
  public static boolean delete(Path database) throws IOException {
    return Files.deleteIfExists(of(database));
  }

  private static boolean isPosix(Path path) {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        && path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
