package dev.lattice.sync.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers a device's database completed syncs with, kept in the database itself ({@code lattice_sync_peers}), so
 * that a tool can say when the device last synced and which of its writes no peer has acknowledged, without a
 * network and without the space's passphrase.
 *
 * <p>One row per peer site: its address as the syncing side named it, the peer's version-vector entry for this
 * device's site at the end of the sync (what the peer holds of this device's writes), and when. Written by the asking
 * side when a sync completes ({@link ReplicaStore#synced}); a sync that fails writes nothing.
 */
public final class SyncHistory {
  private static final String TABLE = "CREATE TABLE IF NOT EXISTS lattice_sync_peers(peer_site BLOB PRIMARY KEY,"
      + " peer TEXT, acked_seq INTEGER NOT NULL, synced_at INTEGER NOT NULL)";

  /**
   * One peer's last completed sync.
   *
   * @param peerSite the peer's site id (a server's relay has one too), 16 bytes
   * @param peer where the peer was reached, as given to the sync (a URL or a file), or null
   * @param ackedSeq the highest of this device's sequence numbers the peer held when the sync ended
   * @param syncedAt when the sync completed
   */
  public record Peer(byte[] peerSite, String peer, long ackedSeq, Instant syncedAt) {
    public Peer {
      peerSite = peerSite.clone();
    }

    @Override
    public byte[] peerSite() {
      return peerSite.clone();
    }
  }

  private SyncHistory() {}

  /** Records a completed sync with {@code peer}; replaces what was known of that peer. */
  public static void record(Connection c, Peer peer) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(TABLE);
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO lattice_sync_peers(peer_site, peer, acked_seq,"
        + " synced_at) VALUES (?, ?, ?, ?) ON CONFLICT(peer_site) DO UPDATE SET peer = excluded.peer,"
        + " acked_seq = excluded.acked_seq, synced_at = excluded.synced_at")) {
      p.setBytes(1, peer.peerSite());
      p.setString(2, peer.peer());
      p.setLong(3, peer.ackedSeq());
      p.setLong(4, peer.syncedAt().toEpochMilli());
      p.executeUpdate();
    }
  }

  /** Every peer this database completed a sync with, most recent first; empty if it never synced. Reads only. */
  public static List<Peer> read(Connection c) throws SQLException {
    List<Peer> peers = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet exists = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table'"
            + " AND name = 'lattice_sync_peers'")) {
      if (!exists.next()) {
        return peers;
      }
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT peer_site, peer, acked_seq, synced_at FROM lattice_sync_peers"
            + " ORDER BY synced_at DESC")) {
      while (r.next()) {
        peers.add(new Peer(r.getBytes(1), r.getString(2), r.getLong(3), Instant.ofEpochMilli(r.getLong(4))));
      }
    }
    return peers;
  }
}
