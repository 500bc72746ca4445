package dev.lattice.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lattice.sync.wire.Envelope;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the relay keeps of the rows it wrote last, and when a reader may be served from it. */
class RecentRowsTest {
  private static final String SPACE = "s1";
  private final RecentRows recent = new RecentRows();

  @Test
  void aRowIsServedFromTheCommitAfterItIsRemembered_andNotBetweenItsNextForgetAndRemember() {
    ByteBuffer row = id(1);
    recent.remember(SPACE, Map.of(row, List.of(rowEnvelope(1, 1))));
    assertEquals(1, recent.get(SPACE, row).get(0).seq());

    recent.forget(SPACE, List.of(row)); // a writer is about to commit a change to it
    assertNull(recent.get(SPACE, row), "between the forget and the commit's remember, readers go to the tables");

    recent.remember(SPACE, Map.of(row, List.of(rowEnvelope(1, 2))));
    assertEquals(2, recent.get(SPACE, row).get(0).seq());
  }

  @Test
  void aRowTheCommitRemovedStaysForgotten() {
    ByteBuffer row = id(1);
    recent.remember(SPACE, Map.of(row, List.of(rowEnvelope(1, 1))));
    recent.forget(SPACE, List.of(row));
    recent.remember(SPACE, Map.of(row, List.of())); // a tombstone dropped below the stable point: no row left

    assertNull(recent.get(SPACE, row));
  }

  @Test
  void spacesDoNotShareRows() {
    ByteBuffer row = id(1);
    recent.remember(SPACE, Map.of(row, List.of(rowEnvelope(1, 1))));

    assertNull(recent.get("s2", row));
  }

  @Test
  void keepsTheMostRecentlyUsedRowsUpToItsCapacity() {
    for (int i = 0; i <= RecentRows.CAPACITY; i++) {
      recent.remember(SPACE, Map.of(id(i), List.of(rowEnvelope(i, 1))));
    }

    assertNull(recent.get(SPACE, id(0)), "the oldest row went");
    assertNotNull(recent.get(SPACE, id(RecentRows.CAPACITY)));
  }

  private static ByteBuffer id(int n) {
    return ByteBuffer.wrap(ByteBuffer.allocate(16).putInt(n).array());
  }

  private static Envelope rowEnvelope(int n, long seq) {
    byte[] row = id(n).array();
    return new Envelope(row, row, new byte[16], seq, seq << 16, 1, Envelope.ROW, new byte[] {1});
  }
}
