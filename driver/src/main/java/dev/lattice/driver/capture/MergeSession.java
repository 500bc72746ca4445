package dev.lattice.driver.capture;

import dev.lattice.core.VersionVector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What merges on one connection keep from one batch to the next: the tracked tables as registered and the prepared
 * statements that read and write metadata and application rows.
 *
 * <p>Why: a sync applies many small batches (a live change, a catch-up of a few rows), and reading the registry and
 * preparing a dozen statements again for each cost more than merging its rows ({@code bench/run merge --batch 10}:
 * 0.7 ms a batch of two rows, against 0.1 ms for plain inserts of them). Everything kept is dropped when the schema
 * changed ({@code PRAGMA schema_version}): a table's shape and a statement's columns are good only for the schema they
 * were read from. The registry changes only with the schema or right after it: tracking and untracking rewrite
 * triggers, and a change another tool made is followed (which may mark a table missing without DDL of its own) before
 * the registry is read again ({@link ReplicaEngine#apply}).
 *
 * <p>A driver connection keeps one for its life ({@link ConnectionHooks#mergeSession()}), a sync store one for its
 * connection's ({@code Replica.keepingMergeState}); other callers get one per batch. Used by one thread at a time, as
 * its connection is.
 */
public final class MergeSession implements AutoCloseable {
  /** Distinct fixed statements kept; far more than a merge uses, a bound against a caller that varies its SQL. */
  private static final int MAX_STATEMENTS = 64;

  private final Connection c;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final Map<String, TableWriter> writers = new HashMap<>();
  private PreparedStatement schemaVersion;
  private MergeMetadata metadata;
  private Map<String, TrackedTables.Registered> tables;
  private long readFor = Long.MIN_VALUE;
  /** Whether {@code lattice_stable} exists, as of the last {@link #reload()}; its creation changes the schema. */
  private boolean stableTable;

  MergeSession(Connection c) {
    this.c = c;
  }

  /**
   * Whether the schema changed since this session last {@linkplain #reload() read the registry} (always, the first
   * time): then what it keeps is stale, and the replica must follow the change before merging.
   */
  boolean schemaChanged() throws SQLException {
    return currentSchemaVersion() != readFor;
  }

  /** Drops every statement and table shape kept, and reads the registry of tracked tables again. */
  void reload() throws SQLException {
    release();
    long version = currentSchemaVersion();
    Map<String, TrackedTables.Registered> tracked = new HashMap<>();
    for (TrackedTables.Registered t : TrackedTables.all(c).values()) {
      if (t.tracked()) {
        tracked.put(t.shape().name(), t);
      }
    }
    tables = tracked;
    stableTable = Compaction.hasStableTable(c);
    readFor = version;
  }

  /** The tracked tables by name, as of the last {@link #reload()}. */
  Map<String, TrackedTables.Registered> tables() {
    if (tables == null) {
      throw new IllegalStateException("reload() first");
    }
    return tables;
  }

  /** Metadata reads and writes, with site ordinals as this batch's transaction sees them. */
  MergeMetadata metadata(SiteOrdinals sites) {
    if (metadata == null) {
      metadata = new MergeMetadata(c);
    }
    metadata.use(sites);
    return metadata;
  }

  /** Log rows not folded yet, as {@link LogFold#pending} counts them. */
  long pendingLogRows() throws SQLException {
    try (ResultSet r = statement(LogFold.PENDING).executeQuery()) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  /** This replica's version vector ({@link ReplicaEngine#versionVector}). */
  VersionVector versionVector() throws SQLException {
    return ReplicaEngine.vector(statement(ReplicaEngine.VERSION_VECTOR));
  }

  /** This replica's stable point ({@link Compaction#stablePoint}). */
  VersionVector stablePoint() throws SQLException {
    return stableTable ? ReplicaEngine.vector(statement(Compaction.STABLE_POINT)) : VersionVector.empty();
  }

  TableWriter writer(TableShape shape) {
    return writers.computeIfAbsent(shape.name(), name -> new TableWriter(c, shape));
  }

  /** A statement of fixed SQL that every batch runs, prepared once. */
  PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement p = statements.get(sql);
    if (p == null) {
      if (statements.size() >= MAX_STATEMENTS) {
        Sql.closeAll(statements.values());
        statements.clear();
      }
      p = c.prepareStatement(sql);
      statements.put(sql, p);
    }
    return p;
  }

  private long currentSchemaVersion() throws SQLException {
    if (schemaVersion == null) {
      schemaVersion = c.prepareStatement("PRAGMA schema_version");
    }
    try (ResultSet r = schemaVersion.executeQuery()) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  private void release() throws SQLException {
    List<AutoCloseable> all = new ArrayList<>(statements.values());
    all.addAll(writers.values());
    if (metadata != null) {
      all.add(metadata);
    }
    statements.clear();
    writers.clear();
    metadata = null;
    tables = null;
    readFor = Long.MIN_VALUE;
    Sql.closeAll(all);
  }

  /**
   * Forgets everything kept, after a merge failed: sqlite-jdbc finalizes a statement whose step failed with an error
   * such as a full disk, so no kept statement is trusted any more. The next merge starts afresh.
   */
  void discard(Exception failure) {
    try {
      close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** Closes everything kept; a later merge through this session starts afresh. */
  @Override
  public void close() throws SQLException {
    List<AutoCloseable> all = new ArrayList<>();
    all.add(this::release);
    if (schemaVersion != null) {
      all.add(schemaVersion);
      schemaVersion = null;
    }
    Sql.closeAll(all);
  }
}
