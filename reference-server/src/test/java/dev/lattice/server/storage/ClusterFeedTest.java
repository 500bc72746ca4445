package dev.lattice.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The cluster feed on a real PostgreSQL: two feeds on one database stand for two server instances. */
@Timeout(30)
class ClusterFeedTest {
  private final String url = TestPostgres.url(TestPostgres.newDatabase("feed"));
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url, TestPostgres.USER, TestPostgres.PASSWORD);
  }

  private ClusterFeed feed(ClusterFeed.Connector connector) throws SQLException {
    ClusterFeed feed = ClusterFeed.postgres(connector);
    open.add(feed);
    return feed;
  }

  /** A listener that queues what it hears; "?" when told it may have missed notices. */
  private static ClusterFeed.Listener queue(BlockingQueue<String> heard) {
    return new ClusterFeed.Listener() {
      @Override
      public void heard(String text) {
        heard.add(text);
      }

      @Override
      public void mayHaveMissed() {
        heard.add("?");
      }
    };
  }

  /** Announces {@code text} under {@code topic} in a transaction that commits, or rolls back. */
  private void announce(ClusterFeed from, String topic, String text, boolean commit) throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      from.announce(c, topic, text);
      if (commit) {
        c.commit();
      } else {
        c.rollback();
      }
    }
  }

  @Test
  void anInstanceHearsTheOthersCommittedNoticesOnTheirTopicAndNotItsOwn() throws Exception {
    ClusterFeed a = feed(this::connect);
    ClusterFeed b = feed(this::connect);
    BlockingQueue<String> heardOnA = new LinkedBlockingQueue<>();
    BlockingQueue<String> heardOnB = new LinkedBlockingQueue<>();
    BlockingQueue<String> otherTopicOnB = new LinkedBlockingQueue<>();
    a.subscribe("relay", queue(heardOnA));
    b.subscribe("relay", queue(heardOnB));
    b.subscribe("revoked", queue(otherTopicOnB));

    announce(a, "relay", "rolled back", false);
    announce(a, "relay", "space one", true);

    assertEquals("space one", heardOnB.poll(5, TimeUnit.SECONDS), "only what committed, on its topic");
    announce(b, "relay", "a marker that B's own commits end here", true);
    assertEquals("a marker that B's own commits end here", heardOnA.poll(5, TimeUnit.SECONDS));
    assertTrue(heardOnA.isEmpty() && heardOnB.isEmpty(), "an instance does not hear itself");
    assertTrue(otherTopicOnB.isEmpty());
    assertTrue(a.isListening() && b.isListening());
  }

  @Test
  void aBrokenListeningConnectionIsRemadeAndSubscribersAreToldTheyMayHaveMissedNotices() throws Exception {
    List<Integer> backends = new CopyOnWriteArrayList<>(); // written on the feed's thread
    CountDownLatch mayReconnect = new CountDownLatch(1);
    ClusterFeed b = feed(() -> {
      if (!backends.isEmpty()) {
        await(mayReconnect); // the test decides how long the feed stays deaf
      }
      Connection c = connect();
      backends.add(backendOf(c));
      return c;
    });
    ClusterFeed a = feed(this::connect);
    BlockingQueue<String> heardOnB = new LinkedBlockingQueue<>();
    b.subscribe("revoked", queue(heardOnB));

    terminate(backends.get(0)); // a failover, a dropped path: the database ends B's listening session
    awaitTrue(() -> !b.isListening(), "B knows it is deaf");
    announce(a, "revoked", "space device", true); // said while B could not hear

    mayReconnect.countDown();
    assertEquals("?", heardOnB.poll(5, TimeUnit.SECONDS), "B is told it may have missed something");
    assertTrue(b.isListening());
    assertEquals(2, backends.size());
    announce(a, "revoked", "space other-device", true);
    assertEquals("space other-device", heardOnB.poll(5, TimeUnit.SECONDS), "and hears again");
    assertTrue(heardOnB.isEmpty(), "the notice sent while deaf is lost, as promised: " + heardOnB);
  }

  @Test
  void closingStopsTheFeedAtOnce() throws Exception {
    ClusterFeed feed = ClusterFeed.postgres(this::connect);
    long started = System.nanoTime();
    feed.close();
    assertTrue(System.nanoTime() - started < Duration.ofMillis(400).toNanos(), "closing waits out no poll");
    assertFalse(feed.isListening());
  }

  private static int backendOf(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      return r.getInt(1);
    }
  }

  private void terminate(int backend) throws SQLException {
    try (Connection c = connect(); PreparedStatement p = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
      p.setInt(1, backend);
      p.execute();
    }
  }

  private static void await(CountDownLatch latch) throws SQLException {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted", e);
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 5 s: " + what);
      }
      Thread.sleep(10);
    }
  }
}
