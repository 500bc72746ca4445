package dev.lattice.server.relay;

import dev.lattice.driver.Replica;
import dev.lattice.driver.TrackOptions;
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

/** A device for relay tests: a real database file, an application connection, and a store that syncs. */
final class Phone implements AutoCloseable {
  static final String TABLE = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a, b REAL, n INTEGER)";

  final Connection app;
  final ReplicaStore store;

  private Phone(Connection app, ReplicaStore store) {
    this.app = app;
    this.store = store;
  }

  /** A table numbered for sync: its rows take their numbers from the space's number source. */
  static final String NUMBERED_TABLE = "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)";

  static Phone create(Path dir, String name, String passphrase) throws SQLException {
    return create(dir, name, passphrase, TABLE, "t", TrackOptions.counters("n"));
  }

  /** A device whose one table is {@link #NUMBERED_TABLE} ({@link #notes}), not {@code t}. */
  static Phone numbered(Path dir, String name, String passphrase) throws SQLException {
    return create(dir, name, passphrase, NUMBERED_TABLE, "notes", TrackOptions.DEFAULT.numberedForSync());
  }

  private static Phone create(Path dir, String name, String passphrase, String table, String tableName,
      TrackOptions tracking) throws SQLException {
    Path file = dir.resolve(name);
    Connection app = DriverManager.getConnection("jdbc:lattice:sqlite:" + file);
    app.createStatement().execute(table);
    Replica.of(app).track(tableName, tracking);
    Encryption encryption = passphrase == null ? Encryption.off()
        : Encryption.passphrase(passphrase.toCharArray()).withNewSpaceParams(KdfParams.cheapForTests(new byte[16]));
    return new Phone(app, ReplicaStore.open("jdbc:sqlite:" + file, encryption));
  }

  Phone exec(String sql, Object... args) throws SQLException {
    try (PreparedStatement p = app.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      p.execute();
    }
    return this;
  }

  List<String> rows() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet r = app.createStatement().executeQuery("SELECT id, quote(a), quote(b), quote(n) FROM t ORDER BY id")) {
      while (r.next()) {
        rows.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4));
      }
    }
    return rows;
  }

  /** The rows of {@link #NUMBERED_TABLE}, by number. */
  List<String> notes() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet r = app.createStatement().executeQuery("SELECT id, body FROM notes ORDER BY id")) {
      while (r.next()) {
        rows.add(r.getLong(1) + "|" + r.getString(2));
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
