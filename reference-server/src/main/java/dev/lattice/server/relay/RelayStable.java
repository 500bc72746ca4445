package dev.lattice.server.relay;

import dev.lattice.core.SiteId;
import dev.lattice.core.StablePoint;
import dev.lattice.core.VersionVector;
import dev.lattice.sync.wire.VectorEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One space's stable point and the vectors it is found from, in the relay tables; works inside the caller's
 * transaction.
 *
 * <p>The space's {@link StablePoint} rises towards the vectors the space's devices sent in their last hello and the
 * relay's own (a device that never said hello holds it where it is), as the core's rule says; the relay drops the
 * tombstones the rise uncovers. A dead row has no {@code relay_cells}: dropping it is deleting its
 * {@code relay_rows} line.
 */
final class RelayStable {
  private final Connection c;
  private final String space;

  RelayStable(Connection c, String space) {
    this.c = c;
    this.space = space;
  }

  /** The stored stable point. */
  StablePoint read() throws SQLException {
    Map<SiteId, Long> out = new HashMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT site, seq FROM relay_stable WHERE space = ?")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.put(SiteId.of(r.getBytes(1)), r.getLong(2));
        }
      }
    }
    return new StablePoint(VersionVector.of(out));
  }

  /** The stored stable point as a vector. */
  List<VectorEntry> vector() throws SQLException {
    return VectorEntry.list(read().vector());
  }

  /** Replaces {@code peer}'s recorded vector with the one of its latest hello. */
  void record(String peer, List<VectorEntry> vector) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM relay_peer_vectors WHERE space = ? AND peer = ?")) {
      p.setString(1, space);
      p.setString(2, peer);
      p.executeUpdate();
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO relay_peer_vectors(space, peer, site, seq)"
        + " VALUES (?, ?, ?, ?)")) {
      for (Map.Entry<SiteId, Long> e : VectorEntry.vector(vector).entries().entrySet()) {
        p.setString(1, space);
        p.setString(2, peer);
        p.setBytes(3, e.getKey().bytes());
        p.setLong(4, e.getValue());
        p.executeUpdate();
      }
    }
  }

  /**
   * Whether a hello of {@code peer} with {@code vector} would change nothing: it recorded that same vector last time,
   * every device with a recorded vector is still a member ({@code members} null: nobody is told apart), and the
   * stable point would not rise (a device revoked since may let it).
   */
  boolean changesNothing(String peer, List<VectorEntry> vector, Set<String> members, List<VectorEntry> relayVector)
      throws SQLException {
    if (!sameAsRecorded(peer, vector)) {
      return false; // most recordings: known without reading every device's vector
    }
    Map<String, VersionVector> recorded = recordedVectors();
    if (!VectorEntry.vector(vector).equals(recorded.getOrDefault(peer, VersionVector.empty()))
        || (members != null && !members.containsAll(recorded.keySet()))) {
      return false;
    }
    return read().risesTowards(holders(members, relayVector, recorded)).isEmpty();
  }

  /** Forgets the vectors of devices that are no longer members (revoked): they hold nothing back any more. */
  void forgetAllBut(Set<String> members) throws SQLException {
    for (String peer : peers()) {
      if (!members.contains(peer)) {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM relay_peer_vectors WHERE space = ? AND peer = ?")) {
          p.setString(1, space);
          p.setString(2, peer);
          p.executeUpdate();
        }
      }
    }
  }

  /**
   * Raises the stable point to what {@code members} (null: every device with a recorded vector) all hold, capped at
   * {@code relayVector}, and drops the tombstones the rise uncovers. Returns the ids of the rows dropped.
   */
  List<byte[]> advance(Set<String> members, List<VectorEntry> relayVector) throws SQLException {
    List<byte[]> dropped = new ArrayList<>();
    for (StablePoint.Rise rise : read().risesTowards(holders(members, relayVector, recordedVectors()))) {
      dropped.addAll(dropTombstones(rise.site().bytes(), rise.from(), rise.to()));
      raise(rise.site().bytes(), rise.to());
    }
    return dropped;
  }

  /**
   * The vectors the point rises towards: the relay's own, then every member's; none when some member's vector is
   * unknown or there is nobody to go by (nothing is then known to be everywhere).
   */
  private static List<VersionVector> holders(Set<String> members, List<VectorEntry> relayVector,
      Map<String, VersionVector> vectors) {
    Set<String> counted = members == null ? vectors.keySet() : members;
    if (counted.isEmpty() || !vectors.keySet().containsAll(counted)) {
      return List.of();
    }
    List<VersionVector> holders = new ArrayList<>();
    holders.add(VectorEntry.vector(relayVector));
    counted.forEach(member -> holders.add(vectors.get(member)));
    return holders;
  }

  /** Deletes the space's dead rows whose row version is {@code site} with {@code lo < seq <= hi}; returns their ids. */
  private List<byte[]> dropTombstones(byte[] site, long lo, long hi) throws SQLException {
    List<byte[]> rows = new ArrayList<>();
    // relay_rows_by_version finds them; the causal length picks the dead among them.
    try (PreparedStatement p = c.prepareStatement("SELECT row FROM relay_rows WHERE space = ? AND site = ?"
        + " AND seq > ? AND seq <= ? AND cl % 2 = 0")) {
      p.setString(1, space);
      p.setBytes(2, site);
      p.setLong(3, lo);
      p.setLong(4, hi);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          rows.add(r.getBytes(1));
        }
      }
    }
    try (RelayTables tables = new RelayTables(c, space)) {
      tables.deleteDeadRows(rows);
    }
    return rows;
  }

  private void raise(byte[] site, long seq) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO relay_stable(space, site, seq) VALUES (?, ?, ?)"
        + " ON CONFLICT(space, site) DO UPDATE SET seq = CASE WHEN excluded.seq > relay_stable.seq"
        + " THEN excluded.seq ELSE relay_stable.seq END")) {
      p.setString(1, space);
      p.setBytes(2, site);
      p.setLong(3, seq);
      p.executeUpdate();
    }
  }


  private List<String> peers() throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT peer FROM relay_peer_vectors WHERE space = ?")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
    }
    return out;
  }

  /** Whether {@code vector} is the one recorded for {@code peer} (by one index lookup). */
  boolean sameAsRecorded(String peer, List<VectorEntry> vector) throws SQLException {
    return VectorEntry.vector(vector).equals(recordedVector(peer));
  }

  /** The vector recorded for {@code peer}; empty if none. */
  private VersionVector recordedVector(String peer) throws SQLException {
    Map<SiteId, Long> entries = new HashMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT site, seq FROM relay_peer_vectors WHERE space = ?"
        + " AND peer = ?")) {
      p.setString(1, space);
      p.setString(2, peer);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          entries.put(SiteId.of(r.getBytes(1)), r.getLong(2));
        }
      }
    }
    return VersionVector.of(entries);
  }

  private Map<String, VersionVector> recordedVectors() throws SQLException {
    Map<String, Map<SiteId, Long>> bySite = new HashMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT peer, site, seq FROM relay_peer_vectors WHERE space = ?")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          bySite.computeIfAbsent(r.getString(1), k -> new HashMap<>()).put(SiteId.of(r.getBytes(2)), r.getLong(3));
        }
      }
    }
    Map<String, VersionVector> out = new HashMap<>();
    bySite.forEach((peer, entries) -> out.put(peer, VersionVector.of(entries)));
    return out;
  }
}
