package dev.lattice.server.relay;

import dev.lattice.sync.wire.Envelope;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one space that this instance wrote last, as committed, envelopes and all. A busy space sends the same
 * new rows to every one of its devices; reading them from memory serves all but the first.
 *
 * <p>Only where this instance is the space's one writer (embedded SQLite: {@link RelayDatabase#shared()} is false), and
 * only the writer fills it: a row's entry goes before the commit that changes the row ({@link #forget}) and comes back
 * after it ({@link #remember}), under the space's writer lock. A reader therefore finds either nothing (and reads the
 * tables in its snapshot) or the row as some commit at least as new as its snapshot left it. Sending a newer state is
 * harmless: a device merges by taking the greater version, and its vector rises only to what the batch covers, so a
 * version it missed is still owed to it. Another instance's commits could not be forgotten before they happen, which is
 * why a shared relay keeps none.
 */
final class RecentRows {
  /** Rows kept per space: a few seconds of a busy space's writes (~1 MB of 5-cell rows). */
  static final int CAPACITY = 1_024;

  private final Map<ByteBuffer, List<Envelope>> rows = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteBuffer, List<Envelope>> eldest) {
      return size() > CAPACITY;
    }
  };

  /** The row's envelopes as a commit of this instance left them, or null if not kept. */
  synchronized List<Envelope> get(ByteBuffer row) {
    return rows.get(row);
  }

  /** Before a commit that changes {@code changed}: their entries go, whatever the commit's outcome. */
  synchronized void forget(Collection<ByteBuffer> changed) {
    changed.forEach(rows::remove);
  }

  /** After that commit: the rows as it left them (a row the commit removed stays forgotten). */
  synchronized void remember(Map<ByteBuffer, List<Envelope>> committed) {
    committed.forEach((row, envelopes) -> {
      if (!envelopes.isEmpty()) {
        rows.put(row, List.copyOf(envelopes));
      }
    });
  }
}
