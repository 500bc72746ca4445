package dev.lattice.sync.session;

import dev.lattice.merkle.Reconciliation;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The responder's open reconciliation sessions, by id: a session's tree snapshot and found rows live across the
 * asker's requests. Bounded in number and idle time, so askers that vanish mid-session cost nothing for long.
 */
final class ReconcileSessions {
  static final int MAX_SESSIONS = 16;
  static final Duration IDLE_TIMEOUT = Duration.ofMinutes(2);

  /** One session's state. */
  static final class Session {
    final Reconciliation<?> reconciliation;
    final FoundRows found;
    boolean finished;
    long lastUsed;

    Session(Reconciliation<?> reconciliation, FoundRows found) {
      this.reconciliation = reconciliation;
      this.found = found;
    }
  }

  private final Clock clock;
  private final Map<ByteBuffer, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

  ReconcileSessions(Clock clock) {
    this.clock = clock;
  }

  synchronized Session get(byte[] id) {
    expire();
    Session s = sessions.get(ByteBuffer.wrap(id));
    if (s != null) {
      s.lastUsed = clock.millis();
    }
    return s;
  }

  /** Adds a session, evicting the least recently used one if there are too many. */
  synchronized void put(byte[] id, Session session) {
    expire();
    if (sessions.size() >= MAX_SESSIONS) {
      Iterator<ByteBuffer> eldest = sessions.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    session.lastUsed = clock.millis();
    sessions.put(ByteBuffer.wrap(id.clone()), session);
  }

  synchronized void remove(byte[] id) {
    sessions.remove(ByteBuffer.wrap(id));
  }

  synchronized int size() {
    return sessions.size();
  }

  private void expire() {
    long cutoff = clock.millis() - IDLE_TIMEOUT.toMillis();
    sessions.values().removeIf(s -> s.lastUsed < cutoff);
  }
}
