package dev.lattice.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lattice.sync.wire.Envelope;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a space keeps of the rows it wrote last, and when a reader may be served from it. */
class RecentRowsTest {
  private final RecentRows recent = new RecentRows();

  @Test
  void aRowIsServedFromTheCommitAfterItIsRemembered_andNotBetweenItsNextForgetAndRemember() {
    ByteBuffer row = id(1);
    recent.remember(Map.of(row, List.of(rowEnvelope(1, 1))));
    assertEquals(1, recent.get(row).get(0).seq());

    recent.forget(List.of(row)); // a writer is about to commit a change to it
    assertNull(recent.get(row), "between the forget and the commit's remember, readers go to the tables");

    recent.remember(Map.of(row, List.of(rowEnvelope(1, 2))));
    assertEquals(2, recent.get(row).get(0).seq());
  }

  @Test
  void aRowTheCommitRemovedStaysForgotten() {
    ByteBuffer row = id(1);
    recent.remember(Map.of(row, List.of(rowEnvelope(1, 1))));
    recent.forget(List.of(row));
    recent.remember(Map.of(row, List.of())); // a tombstone dropped below the stable point: no row left

    assertNull(recent.get(row));
  }

  @Test
  void keepsTheMostRecentlyUsedRowsUpToItsCapacity() {
    for (int i = 0; i <= RecentRows.CAPACITY; i++) {
      recent.remember(Map.of(id(i), List.of(rowEnvelope(i, 1))));
    }

    assertNull(recent.get(id(0)), "the oldest row went");
    assertNotNull(recent.get(id(RecentRows.CAPACITY)));
  }

  private static ByteBuffer id(int n) {
    return ByteBuffer.wrap(ByteBuffer.allocate(16).putInt(n).array());
  }

  private static Envelope rowEnvelope(int n, long seq) {
    byte[] row = id(n).array();
    return new Envelope(row, row, new byte[16], seq, seq << 16, 1, Envelope.ROW, new byte[] {1});
  }
}
