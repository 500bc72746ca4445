package dev.lattice.server.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How server instances sharing one database hear of each other's commits: PostgreSQL's LISTEN/NOTIFY, which
 * PostgreSQL-compatible distributed databases also offer. A notification is sent inside the committing transaction, so
 * it is delivered exactly when the commit is visible, and carries only the space's id.
 */
abstract class CommitFeed implements AutoCloseable {
  static final String CHANNEL = "lattice_relay";

  abstract void announce(Connection c, String space) throws SQLException;

  @Override
  public abstract void close();

  /** One instance only: there is nobody to tell. */
  static CommitFeed none() {
    return new CommitFeed() {
      @Override
      void announce(Connection c, String space) {}

      @Override
      public void close() {}
    };
  }

  static CommitFeed postgres(DataSource pool, Consumer<String> onCommit) throws SQLException {
    return new Postgres(pool, onCommit);
  }

  /** Listens on a connection of its own, on a daemon thread, and reconnects if it breaks. */
  private static final class Postgres extends CommitFeed {
    private static final Logger LOG = LoggerFactory.getLogger(CommitFeed.class);

    private final DataSource pool;
    private final Consumer<String> onCommit;
    private final Thread listener;
    private volatile boolean closed;

    Postgres(DataSource pool, Consumer<String> onCommit) throws SQLException {
      this.pool = pool;
      this.onCommit = onCommit;
      Connection first = listen(); // fail at start, not later, if LISTEN is not available
      this.listener = new Thread(() -> run(first), "lattice-relay-feed");
      listener.setDaemon(true);
      listener.start();
    }

    @Override
    void announce(Connection c, String space) throws SQLException {
      try (PreparedStatement p = c.prepareStatement("SELECT pg_notify(?, ?)")) {
        p.setString(1, CHANNEL);
        p.setString(2, space);
        p.execute();
      }
    }

    private Connection listen() throws SQLException {
      Connection c = pool.getConnection();
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
      while (!closed) {
        try {
          if (c == null) {
            c = listen();
            onCommit.accept(null); // notifications may have been missed: every space is suspect
          }
          PGNotification[] notes = c.unwrap(PGConnection.class).getNotifications(500);
          if (notes != null) {
            for (PGNotification n : notes) {
              onCommit.accept(n.getParameter());
            }
          }
        } catch (SQLException e) {
          if (!closed) {
            LOG.warn("listening for other instances' commits failed; reconnecting: {}", e.getMessage());
          }
          close(c);
          c = null;
          sleep();
        }
      }
      close(c);
    }

    private static void close(Connection c) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException e) {
          // the connection is being dropped anyway
        }
      }
    }

    private void sleep() {
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        closed = true;
      }
    }

    @Override
    public void close() {
      closed = true;
      listener.interrupt();
    }
  }
}
