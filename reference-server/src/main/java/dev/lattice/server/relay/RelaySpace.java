package dev.lattice.server.relay;

import dev.lattice.server.storage.Dialect;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.wire.Envelope;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One space's transactions on the relay, and its tree kept true to them.
 *
 * <p>Readers hold nothing: a read runs on a reader's connection ({@link #read}, or {@link #snapshot} for a consistent
 * view across statements), beside the writer (SQLite in WAL mode, PostgreSQL's MVCC), and the tree's root is published
 * after every change ({@link RelayTree}). Writers of the space take turns on this instance ({@link #write}: a lock
 * held across the transaction and the tree's update after it, so that the tree follows the commits in their order) and
 * across instances on PostgreSQL (a transaction-scoped advisory lock on the space). The tree follows a write by the
 * rows it changed, read again inside its transaction, and another instance's commit by the rows its notice names
 * ({@link #changedElsewhere}), read in one snapshot; it is built from the tables only on first use, or when a notice
 * may have been missed.
 */
final class RelaySpace {
  private static final Logger LOG = LoggerFactory.getLogger(RelaySpace.class);

  /** Work on a connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException, SyncException;
  }

  /** Work of a write transaction, which says what it changed. */
  interface WriteWork<T> {
    T run(Connection c, Changed changed) throws SQLException, SyncException;
  }

  /** What a write changed: rows (the tree follows them, the other instances are told), or the space otherwise. */
  static final class Changed {
    private final Set<ByteBuffer> rows = new LinkedHashSet<>();
    private boolean space;

    /** The row changed in this transaction (or is gone). */
    void row(ByteBuffer row) {
      rows.add(row);
    }

    /** Something other than rows changed (the vector): live devices here and on other instances are told. */
    void space() {
      space = true;
    }

    boolean any() {
      return space || !rows.isEmpty();
    }
  }

  private final RelayDatabase db;
  private final String id;
  /** This instance's writers of the space, one at a time, with the tree's updates and builds. */
  private final ReentrantLock writing = new ReentrantLock();
  /** Null until first used, and after a notice may have been missed or a write's outcome is unknown. */
  private volatile RelayTree tree;
  /** Test hook: runs inside each write transaction of the space, after its work, before its commit. */
  private volatile Runnable beforeCommit;
  /** Times the tree was built from the tables, for tests. */
  private final AtomicInteger builds = new AtomicInteger();
  /** The rows this instance wrote last; null where other instances write the space too. */
  private final RecentRows recent;

  RelaySpace(RelayDatabase db, String id) {
    this.db = db;
    this.id = id;
    this.recent = db.recentRows();
  }

  /** The row as this instance's last commit to it left it, if kept ({@link RecentRows}); else null. */
  List<Envelope> recentRow(ByteBuffer row) {
    return recent == null ? null : recent.get(id, row);
  }

  String id() {
    return id;
  }

  /** Runs {@code work} on a reader's connection in autocommit mode: each statement sees the latest commit. */
  <T> T read(Work<T> work) throws SyncException {
    try (Connection c = db.readConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw storageFailed(e);
    }
  }

  /** Runs {@code work} in one read-only transaction on a reader's connection: every statement sees one state. */
  <T> T snapshot(Work<T> work) throws SyncException {
    try (Connection c = db.readConnection()) {
      if (db.dialect() == Dialect.POSTGRES) {
        c.setReadOnly(true);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      c.setAutoCommit(false); // SQLite's readers begin deferred: a snapshot, never the write lock
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | SyncException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true); // the pool restores read-only and the isolation level
      }
    } catch (SQLException e) {
      throw storageFailed(e);
    }
  }

  /**
   * A write transaction that changes no row (the space's agreement, its counters): the space's lock across instances,
   * and not this instance's writer lock, since the tree does not follow it.
   */
  <T> T writeAlone(Work<T> work) throws SyncException {
    return transaction(work);
  }

  /**
   * Runs {@code work} in one write transaction, after this instance's earlier writers of the space and holding the
   * space's lock across instances; after it commits, the tree follows the rows it changed (their states as read in the
   * transaction) and the other instances are told (in the transaction, so exactly when it commits).
   */
  <T> T write(WriteWork<T> work) throws SyncException {
    writing.lock();
    try {
      RelayTree t = tree;
      Map<ByteBuffer, List<Envelope>> after = new LinkedHashMap<>();
      T result;
      try {
        result = transaction(c -> {
          Changed changed = new Changed();
          T r = work.run(c, changed);
          if (recent != null) {
            recent.forget(id, changed.rows); // before the commit: no reader may find a row older than its snapshot
          }
          if ((t != null || recent != null) && !changed.rows.isEmpty()) {
            try (RelayTables tables = new RelayTables(c, id)) {
              for (ByteBuffer row : changed.rows) {
                after.put(row, tables.wholeRow(row.array()));
              }
            }
          }
          if (changed.any()) {
            db.announce(c, id, changed.rows);
          }
          Runnable hook = beforeCommit;
          if (hook != null) {
            hook.run();
          }
          return r;
        });
      } catch (SyncException e) {
        if (e.getCause() instanceof SQLException) {
          tree = null; // the commit may or may not have happened: rebuilt from the tables at next use
        }
        throw e;
      }
      if (t != null && !after.isEmpty()) { // committed: now the tree may follow
        t.replaceRows(after);
      }
      if (recent != null) {
        recent.remember(id, after);
      }
      return result;
    } finally {
      writing.unlock();
    }
  }

  /** The tree, built from the tables if there is none: under the writer lock, so that no write of ours interleaves. */
  RelayTree tree() throws SyncException {
    RelayTree t = tree;
    if (t != null) {
      return t;
    }
    writing.lock();
    try {
      t = tree;
      if (t == null) {
        t = snapshot(c -> RelayTree.build(c, id));
        builds.incrementAndGet();
        tree = t;
      }
      return t;
    } finally {
      writing.unlock();
    }
  }

  /**
   * Another instance committed to the space, changing {@code rows} (empty: none; null: any may have): the tree reads
   * them again in one snapshot, taken after that commit, and replaces their items; or is dropped, to be rebuilt.
   */
  void changedElsewhere(List<byte[]> rows) {
    if (rows != null && rows.isEmpty()) {
      return;
    }
    writing.lock();
    try {
      RelayTree t = tree;
      if (t == null) {
        return; // built at next use, from a state that has the commit
      }
      if (rows == null) {
        tree = null;
        return;
      }
      Map<ByteBuffer, List<Envelope>> now = snapshot(c -> {
        Map<ByteBuffer, List<Envelope>> out = new LinkedHashMap<>();
        try (RelayTables tables = new RelayTables(c, id)) {
          for (byte[] row : rows) {
            out.put(ByteBuffer.wrap(row), tables.wholeRow(row));
          }
        }
        return out;
      });
      t.replaceRows(now);
    } catch (SyncException e) {
      LOG.warn("space {}: reading another instance's changes failed ({}); the tree is rebuilt at next use", id,
          e.getMessage());
      tree = null;
    } finally {
      writing.unlock();
    }
  }

  /** How many times this instance built the space's tree from the tables. */
  int builds() {
    return builds.get();
  }

  /** Test hook: {@code hook} runs inside every later write transaction of the space, before it commits. */
  void beforeCommit(Runnable hook) {
    this.beforeCommit = hook;
  }

  /** Runs {@code work} in one transaction, holding the space's lock across instances on PostgreSQL. */
  private <T> T transaction(Work<T> work) throws SyncException {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        if (db.dialect() == Dialect.POSTGRES) {
          Dialect.advisoryLock(c, spaceLock());
        }
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | SyncException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw storageFailed(e);
    }
  }

  /** The advisory lock's key: 64 bits of the space id's hash. */
  private long spaceLock() {
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    long h = 0xcbf29ce484222325L; // FNV-1a: stable across instances and versions, unlike String.hashCode's contract
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  private static SyncException storageFailed(SQLException e) {
    return new SyncException(Kind.INTERNAL, "the server's storage failed: " + e.getMessage(), e);
  }
}
