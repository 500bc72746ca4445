package dev.lattice.sync.store;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncException.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The one number source this replica's numbered rows were numbered by, by site id: the relay's space, the device that
 * hosts its peers, or this device itself when it is the host. Two sources hand out the same numbers, so once a replica
 * has numbered rows through one it refuses any other.
 */
final class NumberAuthority {
  private static final String TABLE = "CREATE TABLE IF NOT EXISTS lattice_number_source(id INTEGER PRIMARY KEY CHECK"
      + " (id = 1), site BLOB NOT NULL)";

  private NumberAuthority() {}

  /**
   * Records {@code source} as this replica's number source, inside the caller's transaction, or refuses it when
   * another is recorded.
   *
   * @param self whether {@code source} is this replica, handing out numbers to its peers and itself
   */
  static void adopt(Connection c, byte[] source, boolean self) throws SQLException, SyncException {
    byte[] recorded = read(c);
    if (recorded == null) {
      try (Statement s = c.createStatement()) {
        s.execute(TABLE);
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO lattice_number_source(id, site) VALUES (1, ?)")) {
        p.setBytes(1, source);
        p.executeUpdate();
      }
      return;
    }
    if (!Arrays.equals(recorded, source)) {
      String was = HexFormat.of().formatHex(recorded);
      throw new SyncException(Kind.PROTOCOL, self
          ? "this device numbered its rows of numbered tables through another source (site " + was + ", a server or"
              + " another hosting device), so it cannot hand out numbers itself: a space has one number source, or"
              + " two devices are given the same numbers. Host its peers through that source instead"
          : "this replica numbered its rows of numbered tables through another source (site " + was + ") than this"
              + " peer (site " + HexFormat.of().formatHex(source) + "): a space has one number source, or two devices"
              + " are given the same numbers. Sync numbered tables with the source it used (its server, or the device"
              + " that hosts the others)");
    }
  }

  private static byte[] read(Connection c) throws SQLException {
    if (!SpaceTables.exists(c, "lattice_number_source")) {
      return null;
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT site FROM lattice_number_source WHERE id = 1")) {
      return r.next() ? r.getBytes(1) : null;
    }
  }
}
