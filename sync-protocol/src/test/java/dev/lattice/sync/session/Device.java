package dev.lattice.sync.session;

import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeStream;
import dev.lattice.driver.Replica;
import dev.lattice.driver.TrackOptions;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.crypto.KdfParams;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;
import dev.lattice.sync.transport.InMemoryTransport;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.TreeRoot;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * A device for protocol tests: a real SQLite file written by an application connection through the Lattice driver,
 * and a {@link ReplicaStore} on it that syncs.
 */
public final class Device implements AutoCloseable {
  /** {@code n} merges as a counter, the other columns last-writer-wins. */
  static final String TABLE = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a, b REAL, c BLOB, n INTEGER)";
  static final KdfParams CHEAP = KdfParams.cheapForTests(new byte[16]);

  public final Path file;
  public final Connection app;
  public final ReplicaStore store;

  private Device(Path file, Connection app, ReplicaStore store) {
    this.file = file;
    this.app = app;
    this.store = store;
  }

  public static Device create(Path dir, String name) throws SQLException {
    return create(dir, name, Encryption.off(), TABLE);
  }

  /** A device whose {@code t} is keyed by a number SQLite gives, and numbered for sync. */
  public static Device numbered(Path dir, String name) throws SQLException {
    return create(dir, name, Encryption.off(), "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b REAL, c BLOB, n INTEGER)",
        TrackOptions.counters("n").numberedForSync());
  }

  public static Device encrypted(Path dir, String name, String passphrase) throws SQLException {
    return create(dir, name, Encryption.passphrase(passphrase.toCharArray()).withNewSpaceParams(CHEAP), TABLE);
  }

  /** A device on a database file that is already a replica (a copy of another device's, say), unencrypted. */
  public static Device open(Path file) throws SQLException {
    Connection app = DriverManager.getConnection("jdbc:lattice:sqlite:" + file);
    try {
      return new Device(file, app, ReplicaStore.open("jdbc:sqlite:" + file, Encryption.off()));
    } catch (SQLException | RuntimeException e) {
      app.close();
      throw e;
    }
  }

  public static Device create(Path dir, String name, Encryption encryption, String ddl) throws SQLException {
    return create(dir, name, encryption, ddl, TrackOptions.counters("n"));
  }

  private static Device create(Path dir, String name, Encryption encryption, String ddl, TrackOptions options)
      throws SQLException {
    Path file = dir.resolve(name);
    Connection app = DriverManager.getConnection("jdbc:lattice:sqlite:" + file);
    try {
      app.createStatement().execute(ddl);
      Replica.of(app).track("t", options);
      return new Device(file, app, ReplicaStore.open("jdbc:sqlite:" + file, encryption));
    } catch (SQLException | RuntimeException e) {
      app.close();
      throw e;
    }
  }

  public Device exec(String sql, Object... args) throws SQLException {
    try (PreparedStatement p = app.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      p.execute();
    }
    return this;
  }

  /** Every row of {@code t}, as text, in key order. */
  public List<String> rows() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet r = app.createStatement().executeQuery("SELECT id, quote(a), quote(b), quote(c), quote(n)"
        + " FROM t ORDER BY id")) {
      while (r.next()) {
        rows.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4) + "|"
            + r.getString(5));
      }
    }
    return rows;
  }

  /** Every current cell version, by cell. */
  public TreeMap<String, String> cells() throws SQLException {
    TreeMap<String, String> cells = new TreeMap<>();
    try (ChangeStream s = Replica.of(app).changesSince(VersionVector.empty())) {
      for (Change c; (c = s.next()) != null; ) {
        cells.put(c.table() + "/" + c.pk() + "/" + c.column() + "/" + c.site(), c.toString());
      }
    }
    return cells;
  }

  public VersionVector vector() throws SQLException {
    return Replica.of(app).versionVector();
  }

  public String root() throws SyncException {
    TreeRoot root = store.root();
    return root.count() + ":" + HexFormat.of().formatHex(root.digest());
  }

  public SyncResponder responder() {
    return new SyncResponder(store, SyncOptions.DEFAULTS);
  }

  public Transport to(Device peer) {
    return new InMemoryTransport(peer.responder());
  }

  /** This device asks {@code peer} to sync, in memory, with default options. */
  public SyncReport syncWith(Device peer) throws SyncException {
    return SyncSession.run(store, to(peer), SyncOptions.DEFAULTS);
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
