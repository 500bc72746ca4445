package dev.lattice.cli;

import dev.lattice.driver.Replica;
import dev.lattice.sync.join.CredentialsFile;
import dev.lattice.sync.join.JoinedDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/** A database's stored membership of a space, for the commands that act as its device (sync, pair, devices, revoke). */
final class JoinedDatabase {
  private JoinedDatabase() {}

  /**
   * The credentials {@code lattice join} stored for {@code database}; refused when it never joined, or when the file
   * is a copy (or a restored backup) of the replica that joined, told by its site id.
   */
  static JoinedDevice require(Path database) throws SQLException, IOException {
    String site;
    try (Connection c = Databases.openReplica(database)) {
      site = Replica.of(c).siteId().toString();
    }
    JoinedDevice device = CredentialsFile.read(database).orElseThrow(() -> new CommandFailure(database
        + " has not joined a space: lattice join " + database + " <server-url> --invite <invite> (first device) or"
        + " --code <code> (from lattice pair on a device of the space)"));
    if (!device.siteId().equals(site)) {
      throw new CommandFailure(CredentialsFile.of(database) + " belongs to the replica that joined (site "
          + device.siteId() + "), and " + database + " is a copy or a restored backup (site " + site + "): delete"
          + " that file and join this database with lattice join");
    }
    return device;
  }
}
