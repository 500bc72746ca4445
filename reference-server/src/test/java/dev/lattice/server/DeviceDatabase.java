package dev.lattice.server;

import dev.lattice.driver.Replica;
import dev.lattice.sync.crypto.KdfParams;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A real device database for tests: a SQLite file with one tracked table {@code t(id, v)}, written through the Lattice
 * driver by an application connection, and a {@link ReplicaStore} on it that syncs.
 */
final class DeviceDatabase implements AutoCloseable {
  static final String TABLE = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v TEXT)";

  final Path file;
  final Connection app;
  final ReplicaStore store;

  private DeviceDatabase(Path file, Connection app, ReplicaStore store) {
    this.file = file;
    this.app = app;
    this.store = store;
  }

  static DeviceDatabase create(Path file) throws SQLException {
    return create(file, Encryption.off());
  }

  /** A device whose changes are sealed under {@code passphrase} (with key parameters cheap enough for tests). */
  static DeviceDatabase encrypted(Path file, String passphrase) throws SQLException {
    return create(file, Encryption.passphrase(passphrase.toCharArray())
        .withNewSpaceParams(KdfParams.cheapForTests(new byte[16])));
  }

  static DeviceDatabase create(Path file, Encryption encryption) throws SQLException {
    Connection app = DriverManager.getConnection("jdbc:lattice:sqlite:" + file);
    try {
      app.createStatement().execute(TABLE);
      Replica.of(app).track("t");
      return new DeviceDatabase(file, app, ReplicaStore.open("jdbc:sqlite:" + file, encryption));
    } catch (SQLException | RuntimeException e) {
      app.close();
      throw e;
    }
  }

  DeviceDatabase put(String id, String value) throws SQLException {
    try (PreparedStatement p = app.prepareStatement("INSERT INTO t(id, v) VALUES (?, ?) "
        + "ON CONFLICT(id) DO UPDATE SET v = excluded.v")) {
      p.setString(1, id);
      p.setString(2, value);
      p.execute();
    }
    return this;
  }

  /** Every row of {@code t} as {@code id=v}, in key order. */
  List<String> rows() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet r = app.createStatement().executeQuery("SELECT id, v FROM t ORDER BY id")) {
      while (r.next()) {
        rows.add(r.getString(1) + "=" + r.getString(2));
      }
    }
    return rows;
  }

  @Override
  public void close() throws SQLException {
    try {
      store.close();
    } finally {
      app.close();
    }
  }
}
