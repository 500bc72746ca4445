package dev.lattice.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * How server instances sharing one database tell each other what they committed: a device revoked, a space changed.
 * Each notice has a topic (who listens) and a short text (what happened, never a secret or a payload). An instance
 * hears the others' notices, not its own: it already knows what it did.
 *
 * <p>A notice is announced inside the transaction that makes it true, so it is delivered exactly when that
 * transaction commits, and never for one rolled back. Notices can be missed (the listening connection broke); a
 * subscriber is then told so ({@link Listener#mayHaveMissed()}) and must assume anything may have happened.
 *
 * <p>On PostgreSQL (and compatible databases) this is LISTEN/NOTIFY ({@link #postgres}); an embedded SQLite database
 * has one instance and nobody to tell ({@link #none()}).
 */
public abstract class ClusterFeed implements AutoCloseable {
  /** What a subscriber to a topic hears. Called on the feed's own thread: do little, and never block for long. */
  public interface Listener {
    /** Another instance committed something under the topic; {@code text} is what it announced. */
    void heard(String text);

    /** Notices may have been missed (the feed reconnected): whatever the topic tracks may have changed meanwhile. */
    void mayHaveMissed();
  }

  /** A subscription to a topic: closing it stops the calls. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /** Opens a new connection to the database, for the feed alone. */
  @FunctionalInterface
  public interface Connector {
    Connection connect() throws SQLException;
  }

  /**
   * Calls {@code listener} for every notice another instance announces under {@code topic}, from now until the
   * returned handle is closed.
   */
  public abstract Subscription subscribe(String topic, Listener listener);

  /**
   * Announces {@code text} under {@code topic} to the other instances, inside {@code c}'s transaction: delivered if
   * and when it commits.
   *
   * @param topic a word without blanks
   * @param text a short text (PostgreSQL carries under 8000 bytes); ids, never secrets or payloads
   */
  public abstract void announce(Connection c, String topic, String text) throws SQLException;

  /** Whether the feed hears other instances now: false while its connection is broken and being remade. */
  public abstract boolean isListening();

  /** Stops listening; announcing afterwards does nothing. */
  @Override
  public abstract void close();

  /** One instance only: there is nobody to tell, and nothing to hear. */
  public static ClusterFeed none() {
    return new ClusterFeed() {
      @Override
      public Subscription subscribe(String topic, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        return () -> {};
      }

      @Override
      public void announce(Connection c, String topic, String text) {}

      @Override
      public boolean isListening() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  /**
   * LISTEN/NOTIFY on a PostgreSQL database: listens on a connection of its own from {@code connector} (held for as
   * long as the feed is open, outside any pool, so it takes no pooled connection from requests), on a daemon thread,
   * and reconnects if it breaks. Notices are announced on the connections of the transactions that make them true.
   *
   * @throws SQLException if LISTEN fails now: better at start than later
   */
  public static ClusterFeed postgres(Connector connector) throws SQLException {
    return PostgresFeed.start(connector);
  }
}
