package dev.lattice.sync.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.session.Device;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SyncHistory}: a completed sync leaves its trace in the asker's database, readable with no network. */
class SyncHistoryTest {
  @TempDir Path dir;

  @Test
  void aCompletedSync_recordsThePeerWhatItAcknowledgedAndWhen() throws Exception {
    try (Device laptop = Device.create(dir, "laptop.db"); Device phone = Device.create(dir, "phone.db")) {
      laptop.exec("INSERT INTO t(id, a) VALUES ('a', 1)").exec("INSERT INTO t(id, a) VALUES ('b', 2)");
      Instant before = Instant.now().minusMillis(1);

      laptop.syncWith(phone);
      laptop.exec("INSERT INTO t(id, a) VALUES ('c', 3)"); // written after the sync: not acknowledged

      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + laptop.file)) {
        List<SyncHistory.Peer> peers = SyncHistory.read(c);
        assertEquals(1, peers.size(), peers::toString);
        SyncHistory.Peer peer = peers.get(0);
        assertArrayEquals(phone.store.siteId(), peer.peerSite());
        assertEquals("in-process peer", peer.peer());
        assertEquals(laptop.vector().get(laptop.store.replica().siteId()) - 1, peer.ackedSeq());
        assertTrue(!peer.syncedAt().isBefore(before), peer::toString);
      }
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + phone.file)) {
        assertTrue(SyncHistory.read(c).isEmpty(), "the answering side records nothing");
      }
    }
  }

  @Test
  void aFailedSync_recordsNothing() throws Exception {
    try (Device plain = Device.create(dir, "plain.db");
        Device sealed = Device.encrypted(dir, "sealed.db", "correct horse")) {
      plain.exec("INSERT INTO t(id, a) VALUES ('a', 1)");
      assertThrows(SyncException.class, () -> plain.syncWith(sealed));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + plain.file)) {
        assertTrue(SyncHistory.read(c).isEmpty());
      }
    }
  }
}
