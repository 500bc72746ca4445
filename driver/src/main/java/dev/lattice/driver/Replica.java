package dev.lattice.driver;

import dev.lattice.driver.capture.ReplicaEngine;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * A database seen as a Lattice replica: the Java API over what {@code jdbc:lattice:} captures.
 *
 * <pre>{@code
 * try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:notes.db")) {
 *   Replica replica = Replica.of(c);
 *   replica.track("notes");                         // capture every write to notes from now on
 *   c.createStatement().execute("INSERT INTO notes VALUES ('n1', 'hello')");
 *   try (ChangeStream changes = replica.changesSince(VersionVector.empty())) {
 *     for (Change change; (change = changes.next()) != null; ) {
 *       System.out.println(change);
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>A replica works through the connection it was given, inside that connection's transaction if one is open; it
 * does not own or close the connection, and like the connection it is not safe for concurrent use. Any connection to
 * the database will do, a plain {@code jdbc:sqlite:} one included: capture is done by triggers in the database.
 */
public final class Replica {
  private final Connection connection;

  private Replica(Connection connection) {
    this.connection = connection;
  }

  /** The replica behind {@code connection}, a connection to a SQLite database. */
  public static Replica of(Connection connection) {
    return new Replica(Objects.requireNonNull(connection, "connection"));
  }

  /** This replica's site id, created and stored in the database on first use. */
  public SiteId siteId() throws SQLException {
    return ReplicaEngine.siteId(connection);
  }

  /**
   * Starts capturing every write to {@code table}, from any writer, and records the rows already in it as changes.
   * Idempotent. Throws {@link SQLException} naming the table, the reason and the fix if the table cannot be tracked
   * safely; risks that do not prevent tracking come back as {@link TrackReport#warnings()}.
   */
  public TrackReport track(String table) throws SQLException {
    return ReplicaEngine.track(connection, table);
  }

  /** Stops capture on {@code table}, keeping its metadata; returns false if it was not tracked. */
  public boolean untrack(String table) throws SQLException {
    return ReplicaEngine.untrack(connection, table);
  }

  /** The tables whose writes are captured, in the order they were first tracked. */
  public List<String> trackedTables() throws SQLException {
    return ReplicaEngine.trackedTables(connection);
  }

  /** For each site, the highest sequence number this replica holds; its own site included once it wrote. */
  public VersionVector versionVector() throws SQLException {
    return ReplicaEngine.versionVector(connection);
  }

  /**
   * The current cell versions a peer whose vector is {@code peer} lacks, streamed in a stable order (see
   * {@link ChangeStream}). {@code VersionVector.empty()} streams every current cell version. Close the stream.
   */
  public ChangeStream changesSince(VersionVector peer) throws SQLException {
    return ReplicaEngine.changesSince(connection, Objects.requireNonNull(peer, "peer"));
  }

  /**
   * Folds captured writes into Lattice's per-row clocks now; returns the number of log rows folded. Reads through
   * this API fold first, so calling this is needed only before reading the {@code lattice_changes} view from SQL.
   */
  public long fold() throws SQLException {
    return ReplicaEngine.fold(connection);
  }

  @Override
  public String toString() {
    return "Replica[" + connection + "]";
  }
}
