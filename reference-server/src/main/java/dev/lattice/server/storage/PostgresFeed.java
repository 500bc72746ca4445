package dev.lattice.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterFeed} over PostgreSQL's LISTEN/NOTIFY, which PostgreSQL-compatible distributed databases also offer.
 * Every notice goes on one channel as {@code "<instance> <topic> <text>"}: one LISTEN connection per instance serves
 * every topic, and topics can be subscribed to at any time without another LISTEN.
 */
final class PostgresFeed extends ClusterFeed {
  static final String CHANNEL = "lattice_feed";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFeed.class);
  /** How long one wait for notices lasts before the thread checks whether it should stop. */
  private static final int POLL_MILLIS = 500;
  private static final long RECONNECT_MILLIS = 1_000;
  /**
   * How often the idle listening connection is asked a query: a connection whose peer vanished (a failover, a
   * dropped network path) fails no wait for notices, and would leave the feed deaf without knowing it.
   */
  private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final int CHECK_TIMEOUT_SECONDS = 5;

  /** Tells this instance's notices from the others'. */
  private final String instance = UUID.randomUUID().toString();
  private final Connector connector;
  private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
  private final Thread thread;
  /** The listening connection, while there is one: closing aborts it, rather than wait out a poll. */
  private volatile Connection current;
  private volatile boolean listening;
  private volatile boolean closed;

  private PostgresFeed(Connector connector, Connection first) {
    this.connector = connector;
    this.current = first;
    this.listening = true;
    this.thread = new Thread(() -> run(first), "lattice-cluster-feed");
    thread.setDaemon(true);
  }

  static PostgresFeed start(Connector connector) throws SQLException {
    Objects.requireNonNull(connector, "connector");
    PostgresFeed feed = new PostgresFeed(connector, listen(connector));
    feed.thread.start();
    return feed;
  }

  @Override
  public Subscription subscribe(String topic, Listener listener) {
    Objects.requireNonNull(listener, "listener");
    List<Listener> subscribers = listeners.computeIfAbsent(checkTopic(topic), t -> new CopyOnWriteArrayList<>());
    subscribers.add(listener);
    return () -> subscribers.remove(listener);
  }

  @Override
  public void announce(Connection c, String topic, String text) throws SQLException {
    if (closed) {
      return;
    }
    try (PreparedStatement p = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      p.setString(1, CHANNEL);
      p.setString(2, instance + " " + checkTopic(topic) + " " + Objects.requireNonNull(text, "text"));
      p.execute();
    }
  }

  @Override
  public boolean isListening() {
    return listening && !closed;
  }

  @Override
  public void close() {
    closed = true;
    Connection c = current;
    if (c != null) {
      try {
        c.abort(Runnable::run); // the thread's wait for notices fails at once, and the thread ends
      } catch (SQLException | RuntimeException e) {
        LOG.debug("aborting the listening connection failed; the thread ends after its poll", e);
      }
    }
    thread.interrupt();
    try {
      thread.join(2L * POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Connection listen(Connector connector) throws SQLException {
    Connection c = connector.connect();
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + CHANNEL);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void run(Connection connection) {
    Connection c = connection;
    long checked = System.nanoTime();
    while (!closed) {
      try {
        if (c == null) {
          c = listen(connector);
          current = c;
          listening = true;
          LOG.info("listening to the other instances again");
          everyone(Listener::mayHaveMissed);
        }
        PGNotification[] notes = c.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
        if (notes != null && notes.length > 0) {
          for (PGNotification note : notes) {
            deliver(note.getParameter());
          }
          checked = System.nanoTime(); // the connection just worked
        } else if (System.nanoTime() - checked > CHECK_NANOS) {
          check(c);
          checked = System.nanoTime();
        }
      } catch (SQLException e) {
        listening = false;
        if (!closed) {
          LOG.warn("listening to the other instances failed; reconnecting: {}", e.getMessage());
        }
        current = null;
        closeQuietly(c);
        c = null;
        pause();
      }
    }
    current = null;
    closeQuietly(c);
  }

  /** Fails if the connection no longer reaches the database. */
  private static void check(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(CHECK_TIMEOUT_SECONDS);
      s.execute("SELECT 1");
    }
  }

  /** {@code "<instance> <topic> <text>"}: to the topic's subscribers, unless this instance sent it. */
  private void deliver(String notice) {
    int first = notice.indexOf(' ');
    int second = first < 0 ? -1 : notice.indexOf(' ', first + 1);
    if (second < 0 || notice.substring(0, first).equals(instance)) {
      return; // not a notice of this feed, or this instance's own
    }
    List<Listener> subscribers = listeners.get(notice.substring(first + 1, second));
    if (subscribers != null) {
      String text = notice.substring(second + 1);
      for (Listener listener : subscribers) {
        safely(() -> listener.heard(text));
      }
    }
  }

  private void everyone(Consumer<Listener> call) {
    for (List<Listener> subscribers : listeners.values()) {
      for (Listener listener : subscribers) {
        safely(() -> call.accept(listener));
      }
    }
  }

  /** A failing subscriber must not stop the others, nor the feed. */
  private static void safely(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("a subscriber to the cluster feed failed", e);
    }
  }

  private static String checkTopic(String topic) {
    if (topic == null || topic.isEmpty() || topic.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("a topic is one word: '" + topic + "'");
    }
    return topic;
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // dropped anyway
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(RECONNECT_MILLIS);
    } catch (InterruptedException e) {
      closed = true; // only close() interrupts this thread
    }
  }
}
