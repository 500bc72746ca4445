package dev.lattice.server.relay;

import dev.lattice.sync.wire.Envelope;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows that this instance wrote last, in any space, as committed, envelopes and all. A busy space sends the same
 * new rows to every one of its devices; reading them from memory serves all but the first. One budget for the whole
 * relay ({@value #CAPACITY} rows, least recently used out), so that memory does not grow with the number of spaces: the
 * busy spaces keep most of it.
 *
 * <p>Only where this instance is the spaces' one writer (embedded SQLite: {@link RelayDatabase#shared()} is false), and
 * only writers fill it: a row's entry goes before the commit that changes the row ({@link #forget}) and comes back
 * after it ({@link #remember}), under the space's writer lock. A reader therefore finds either nothing (and reads the
 * tables in its snapshot) or the row as some commit at least as new as its snapshot left it. Sending a newer state is
 * harmless: a device merges by taking the greater version, and its vector rises only to what the batch covers, so a
 * version it missed is still owed to it. Another instance's commits could not be forgotten before they happen, which is
 * why a shared relay keeps none.
 */
final class RecentRows {
  /** Rows kept in all: a few seconds of a busy space's writes, ~10 MB of 5-cell rows. */
  static final int CAPACITY = 16_384;

  private record Key(String space, ByteBuffer row) {}

  private final Map<Key, List<Envelope>> rows = new LinkedHashMap<>(1_024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, List<Envelope>> eldest) {
      return size() > CAPACITY;
    }
  };

  /** The row's envelopes as a commit of this instance left them, or null if not kept. */
  synchronized List<Envelope> get(String space, ByteBuffer row) {
    return rows.get(new Key(space, row));
  }

  /** Before a commit that changes {@code changed} in {@code space}: their entries go, whatever the commit's outcome. */
  synchronized void forget(String space, Collection<ByteBuffer> changed) {
    changed.forEach(row -> rows.remove(new Key(space, row)));
  }

  /** After that commit: the rows as it left them (a row the commit removed stays forgotten). */
  synchronized void remember(String space, Map<ByteBuffer, List<Envelope>> committed) {
    committed.forEach((row, envelopes) -> {
      if (!envelopes.isEmpty()) {
        rows.put(new Key(space, row), List.copyOf(envelopes));
      }
    });
  }
}
