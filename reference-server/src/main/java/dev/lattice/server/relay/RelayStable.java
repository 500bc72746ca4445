package dev.lattice.server.relay;

import dev.lattice.sync.wire.VectorEntry;
import java.nio.ByteBuffer;
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
 * <p>The stable point S is the pointwise minimum of the vectors the space's devices sent in their last hello (a site
 * missing from a device's vector counts 0; a device that never said hello makes S empty), capped at the relay's own
 * vector, and it never goes down. Every device, and the relay, holds every version at or below S or one that
 * superseded it; so a tombstone whose row version is at or below S will never be needed again (no device can send an
 * older life of its row), and the relay drops it. A dead row has no {@code relay_cells}: dropping it is deleting its
 * {@code relay_rows} line.
 */
final class RelayStable {
  private final Connection c;
  private final String space;

  RelayStable(Connection c, String space) {
    this.c = c;
    this.space = space;
  }

  /** The stored stable point, by site (absent: 0). */
  Map<ByteBuffer, Long> read() throws SQLException {
    Map<ByteBuffer, Long> out = new HashMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT site, seq FROM relay_stable WHERE space = ?")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.put(ByteBuffer.wrap(r.getBytes(1)), r.getLong(2));
        }
      }
    }
    return out;
  }

  /** The stored stable point as a vector. */
  List<VectorEntry> vector() throws SQLException {
    List<VectorEntry> out = new ArrayList<>();
    read().forEach((site, seq) -> out.add(new VectorEntry(site.array(), seq)));
    return out;
  }

  /** Replaces {@code peer}'s recorded vector with the one of its latest hello. */
  void record(String peer, List<VectorEntry> vector) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM relay_peer_vectors WHERE space = ? AND peer = ?")) {
      p.setString(1, space);
      p.setString(2, peer);
      p.executeUpdate();
    }
    Map<ByteBuffer, Long> highest = highestBySite(vector);
    try (PreparedStatement p = c.prepareStatement("INSERT INTO relay_peer_vectors(space, peer, site, seq)"
        + " VALUES (?, ?, ?, ?)")) {
      for (Map.Entry<ByteBuffer, Long> e : highest.entrySet()) {
        p.setString(1, space);
        p.setString(2, peer);
        p.setBytes(3, e.getKey().array());
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
    Map<String, Map<ByteBuffer, Long>> recorded = recordedVectors();
    if (!highestBySite(vector).equals(recorded.getOrDefault(peer, Map.of()))
        || (members != null && !members.containsAll(recorded.keySet()))) {
      return false;
    }
    Map<ByteBuffer, Long> stored = read();
    return target(members, relayVector, recorded).entrySet().stream()
        .allMatch(e -> e.getValue() <= stored.getOrDefault(e.getKey(), 0L));
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
    Map<ByteBuffer, Long> target = target(members, relayVector, recordedVectors());
    Map<ByteBuffer, Long> stored = read();
    List<byte[]> dropped = new ArrayList<>();
    for (Map.Entry<ByteBuffer, Long> e : target.entrySet()) {
      long lo = stored.getOrDefault(e.getKey(), 0L);
      long hi = e.getValue();
      if (hi > lo) { // never down: a device that says hello with less than before lost data, and gets it again
        dropped.addAll(dropTombstones(e.getKey().array(), lo, hi));
        raise(e.getKey().array(), hi);
      }
    }
    return dropped;
  }

  /** What the members all hold and the relay too, by site; empty when some member's vector is unknown. */
  private static Map<ByteBuffer, Long> target(Set<String> members, List<VectorEntry> relayVector,
      Map<String, Map<ByteBuffer, Long>> vectors) {
    Set<String> counted = members == null ? vectors.keySet() : members;
    Map<ByteBuffer, Long> out = new HashMap<>();
    if (counted.isEmpty() || !vectors.keySet().containsAll(counted)) {
      return out; // nobody to go by, or a device whose holdings are unknown: nothing is known to be everywhere
    }
    for (VectorEntry relay : relayVector) {
      ByteBuffer site = ByteBuffer.wrap(relay.site());
      long min = relay.seq();
      for (String member : counted) {
        min = Math.min(min, vectors.get(member).getOrDefault(site, 0L));
      }
      if (min > 0) {
        out.merge(site, min, Math::max);
      }
    }
    return out;
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
    new RelayTables(c, space).deleteDeadRows(rows);
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

  /** A vector by site; one naming a site twice means its highest entry, and entries of 0 say nothing. */
  private static Map<ByteBuffer, Long> highestBySite(List<VectorEntry> vector) {
    Map<ByteBuffer, Long> highest = new HashMap<>();
    for (VectorEntry e : vector) {
      if (e.seq() > 0) {
        highest.merge(ByteBuffer.wrap(e.site()), e.seq(), Math::max);
      }
    }
    return highest;
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

  private Map<String, Map<ByteBuffer, Long>> recordedVectors() throws SQLException {
    Map<String, Map<ByteBuffer, Long>> out = new HashMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT peer, site, seq FROM relay_peer_vectors WHERE space = ?")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.computeIfAbsent(r.getString(1), k -> new HashMap<>()).put(ByteBuffer.wrap(r.getBytes(2)), r.getLong(3));
        }
      }
    }
    return out;
  }
}
