package dev.lattice.driver.capture;

import dev.lattice.driver.SqlStates;
import dev.lattice.driver.TrackOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps capture in step with tracked tables whose definitions change: {@code ALTER TABLE ... ADD / RENAME / DROP
 * COLUMN}, and the rebuild that migration tools use for everything else (create a new table, copy, drop the old one,
 * rename the new one; or rename the old one away first).
 *
 * <p>What it does for a tracked table, comparing the registry with the table as declared now:
 *
 * <ul>
 *   <li>gone (dropped, or renamed away mid-rebuild): metadata kept, state {@link TrackedTables#MISSING}, triggers
 *       removed wherever they went; capture resumes if a table of that name appears again;
 *   <li>columns renamed, dropped or added ({@link ColumnChanges}): bit positions renumbered in every table that holds
 *       them, dropped columns' versions forgotten, added columns logged for every live row (their cells then travel
 *       by version vector, to relays too), a default at the row's own clock so that any real write wins over it;
 *   <li>rebuilt (its triggers went with the old table): rows reconciled by key only, inserts and deletes; a copy is
 *       not mistaken for a burst of updates, so values changed by the migration itself are not captured;
 *   <li>key changed, or no longer trackable: refused with an error when the change runs through a driver connection
 *       (the migration rolls back); found later (made by another tool), capture on that table is suspended with a
 *       warning, and peers see the table as untracked here.
 * </ul>
 *
 * Then the triggers are written afresh and {@code PRAGMA schema_version} is stored as {@code schema_cookie}, so a
 * change made by any other connection or tool is found by comparing the two at the next open or API call.
 */
final class SchemaEvolution {
  private static final System.Logger LOG = System.getLogger("dev.lattice.driver.schema");

  /** When a follow runs, which decides what a missing table and a refused change mean. */
  enum Mode {
    /** A transaction that changed the schema through a driver connection is ending: settle everything, refuse loudly. */
    COMMIT(true, true),
    /** Right after an ALTER inside the application's transaction: a table gone may come back before commit. */
    STATEMENT(false, true),
    /** A change some other connection or tool made, found at open or before an API call: suspend, do not throw. */
    DISCOVERED(true, false);

    final boolean settlesMissing;
    final boolean refuses;

    Mode(boolean settlesMissing, boolean refuses) {
      this.settlesMissing = settlesMissing;
      this.refuses = refuses;
    }
  }

  /** The tracked tables whose triggers were intact when {@link #lift} removed them. */
  record Lifted(Set<Integer> intact) {
    static final Lifted NONE = new Lifted(Set.of());
  }

  private SchemaEvolution() {}

  /** Follows schema changes made since the last follow by any connection or tool; one PRAGMA when there are none. */
  static void followIfChanged(Connection c) throws SQLException {
    if (c.isReadOnly() || !LatticeSchema.exists(c) || current(c)) {
      return;
    }
    Transactions.write(c, "lattice_follow", () -> {
      if (!current(c)) {
        follow(c, Mode.DISCOVERED, Lifted.NONE);
      }
      return null;
    });
  }

  /**
   * Runs {@code work}, a schema change of Lattice's own (tracking, untracking, a table of its own), inside the
   * caller's write transaction, and records the schema as followed afterwards; what others changed before is
   * followed first, so that the record hides nothing.
   */
  static <T> T ownChange(Connection c, Transactions.Work<T> work) throws SQLException {
    if (!current(c)) {
      follow(c, Mode.DISCOVERED, Lifted.NONE);
    }
    T result = work.run();
    recordCookie(c);
    return result;
  }

  /**
   * Writes every tracked table's capture triggers afresh, as this driver writes them, after following whatever
   * changed; inside the caller's write transaction ({@link LayoutUpgrade}).
   */
  static void rewriteTriggers(Connection c) throws SQLException {
    if (!current(c)) {
      follow(c, Mode.DISCOVERED, Lifted.NONE);
    }
    for (TrackedTables.Registered t : TrackedTables.all(c).values()) {
      if (t.state() == TrackedTables.TRACKED) {
        dropTriggers(c, t.id());
        for (String ddl : TriggerSql.create(t.id(), t.shape())) {
          Sql.exec(c, ddl);
        }
      }
    }
    recordCookie(c);
  }

  /** How the schema stands against what capture last followed. */
  enum Drift {
    /** Nothing changed since the last follow. */
    NONE,
    /** The schema changed, but no tracked table did (another table was made, say): nothing to follow. */
    UNTRACKED_ONLY,
    /** A tracked table changed: capture must follow before it is trusted. */
    TRACKED
  }

  /**
   * Finds, by reading only, whether a schema change made since the last follow concerns a tracked table: so that a
   * connection opening on a file where another connection merely created a table writes nothing.
   */
  static Drift drift(Connection c) throws SQLException {
    if (!LatticeSchema.exists(c) || current(c)) {
      return Drift.NONE;
    }
    for (TrackedTables.Registered t : TrackedTables.all(c).values()) {
      if (t.state() != TrackedTables.UNTRACKED && !followed(c, t)) {
        return Drift.TRACKED;
      }
    }
    return Drift.UNTRACKED_ONLY;
  }

  /** True if capture of {@code t} matches the table as declared now: a follow would change nothing of it. */
  private static boolean followed(Connection c, TrackedTables.Registered t) throws SQLException {
    String name = t.shape().name();
    if (!tableExists(c, name)) {
      return t.state() == TrackedTables.MISSING && !anyTriggerOf(c, t.id());
    }
    if (t.state() != TrackedTables.TRACKED || !triggersOn(c, t.id(), name)) {
      return false;
    }
    try {
      TableShape declared = TableInspector.inspect(c, name, TrackOptions.DEFAULT).shape();
      return declared.pkColumns().equals(t.shape().pkColumns())
          && ColumnChanges.between(t.shape().columns(), declared.columns(), true).none(t.shape().columns());
    } catch (SQLException e) {
      return false; // no longer trackable: a follow suspends it
    }
  }

  /**
   * Removes every tracked table's triggers and the changes view before an ALTER runs: SQLite refuses to drop a column
   * that a trigger or view reads, and checks every view when a table is renamed. Folds first, because pending log rows
   * carry bit masks of the columns as registered. Inside the caller's transaction; {@link #follow} puts them back.
   */
  static Lifted lift(Connection c) throws SQLException {
    LogFold.fold(c);
    Set<Integer> intact = new HashSet<>();
    for (TrackedTables.Registered t : TrackedTables.all(c).values()) {
      if (t.state() != TrackedTables.UNTRACKED) {
        if (triggersOn(c, t.id(), t.shape().name())) {
          intact.add(t.id());
        }
        dropTriggers(c, t.id());
      }
    }
    ChangesView.drop(c);
    return new Lifted(intact);
  }

  /** Brings registry, metadata and triggers of every tracked table in line with the tables as declared now. */
  static void follow(Connection c, Mode mode, Lifted lifted) throws SQLException {
    LogFold.fold(c);
    for (TrackedTables.Registered t : TrackedTables.all(c).values()) {
      if (t.state() != TrackedTables.UNTRACKED) {
        followTable(c, t, mode, lifted);
      }
    }
    ChangesView.rebuild(c, TrackedTables.all(c).values());
    recordCookie(c);
  }

  /**
   * Records the schema as followed. Every transaction of Lattice's that changes the schema ends with it, so that the
   * next connection to open finds nothing to look into.
   */
  static void recordCookie(Connection c) throws SQLException {
    Sql.update(c, "INSERT INTO lattice_meta(key, value) VALUES ('schema_cookie', ?) ON CONFLICT(key) DO UPDATE SET"
        + " value = excluded.value", cookie(c));
  }

  private static void followTable(Connection c, TrackedTables.Registered t, Mode mode, Lifted lifted)
      throws SQLException {
    String name = t.shape().name();
    boolean wasLifted = lifted.intact().contains(t.id());
    if (mode == Mode.STATEMENT && !wasLifted) {
      return; // mid-transaction, a table without triggers may be half-way through a rebuild: settled at commit
    }
    if (!tableExists(c, name)) {
      dropTriggers(c, t.id()); // after RENAME TO they would capture the renamed table under this one's id
      if (mode.settlesMissing && t.state() != TrackedTables.MISSING) {
        TrackedTables.setState(c, t.id(), TrackedTables.MISSING);
        LOG.log(System.Logger.Level.INFO, "tracked table {0} is gone; its metadata is kept, and capture resumes if"
            + " a table of that name appears again", name);
      }
      return;
    }
    boolean intact = wasLifted || triggersOn(c, t.id(), name);
    TableShape declared;
    try {
      declared = TableInspector.inspect(c, name, TrackOptions.DEFAULT).shape();
      if (!declared.pkColumns().equals(t.shape().pkColumns())) {
        throw new SQLException("cannot follow the change to tracked table " + name + ": its primary key changed from "
            + t.shape().pkColumns() + " to " + declared.pkColumns() + ", and a row's key is its identity on every"
            + " replica. Fix: keep the key; or untrack the table (lattice_untrack('" + name + "')), migrate it, and"
            + " track it again, so its rows sync as new rows", SqlStates.ACCESS_RULE_VIOLATION);
      }
    } catch (SQLException e) {
      if (mode.refuses) {
        throw e;
      }
      dropTriggers(c, t.id());
      TrackedTables.setState(c, t.id(), TrackedTables.UNTRACKED);
      LOG.log(System.Logger.Level.WARNING, "capture on table {0} is suspended: {1}", name, e.getMessage());
      return;
    }
    ColumnChanges changes = ColumnChanges.between(t.shape().columns(), declared.columns(), intact);
    boolean unchanged = changes.none(t.shape().columns());
    if (unchanged && intact && !wasLifted && t.state() == TrackedTables.TRACKED) {
      return;
    }
    TableShape next = new TableShape(name, t.shape().pkColumns(), changes.columns(), counters(t.shape(), changes),
        t.shape().numbered());
    if (!unchanged) {
      renumber(c, t.id(), changes, t.shape().columns().size());
      TrackedTables.setValueColumns(c, t.id(), next);
    }
    logAddedColumns(c, t.id(), next, changes.added());
    if (!intact) {
      Tracker.reconcile(c, t.id(), next, false);
    }
    dropTriggers(c, t.id());
    for (String ddl : TriggerSql.create(t.id(), next)) {
      Sql.exec(c, ddl);
    }
    if (t.state() != TrackedTables.TRACKED) {
      TrackedTables.setState(c, t.id(), TrackedTables.TRACKED);
    }
  }

  /** The counter columns that survived, under their new names. */
  private static Set<String> counters(TableShape before, ColumnChanges changes) {
    Set<String> counters = new HashSet<>();
    changes.moves().forEach((old, now) -> {
      if (before.isCounter(old)) {
        counters.add(changes.columns().get(now));
      }
    });
    return counters;
  }

  /**
   * Moves column versions, counter contributions and recorded conflicts of table {@code id} to the columns' new bit
   * positions, forgetting those of dropped columns. Moved positions pass through negative numbers so that no two
   * rows of one key collide half-way.
   */
  static void renumber(Connection c, int id, ColumnChanges changes, int registeredCount) throws SQLException {
    StringBuilder dropped = new StringBuilder();
    StringBuilder moved = new StringBuilder();
    for (int old = 0; old < registeredCount; old++) {
      Integer now = changes.moves().get(old);
      if (now == null) {
        dropped.append(dropped.isEmpty() ? "" : ", ").append(old);
      } else if (now != old) {
        moved.append(" WHEN ").append(old).append(" THEN ").append(-1 - now);
      }
    }
    for (String table : List.of("lattice_cols", "lattice_counters", "lattice_conflict_log")) {
      if (!dropped.isEmpty()) {
        Sql.update(c, "DELETE FROM " + table + " WHERE tbl = ? AND col IN (" + dropped + ")", id);
      }
      if (!moved.isEmpty()) {
        Sql.update(c, "UPDATE " + table + " SET col = CASE col" + moved + " ELSE col END WHERE tbl = ?", id);
        Sql.update(c, "UPDATE " + table + " SET col = -1 - col WHERE tbl = ? AND col < 0", id);
      }
    }
  }

  /**
   * Logs the added columns of every live row, so that their cells reach peers by version vector like any change: a
   * relay, which cannot run the migration, learns them, and replicas agree on every cell without reconciling the
   * whole table. A row whose added columns hold their declared defaults is stamped with its own clock: a default is
   * as old as the row, so any real write wins over it, and the defaults logged by each migrating replica tie on the
   * clock and settle by site id with equal values (no conflict). A row holding something else (written by the
   * migration, or meanwhile by a tool capture did not see) is stamped now, as a write. The received clock then rises
   * to the newest stamp, so that this replica's next writes stamp above all of these.
   */
  private static void logAddedColumns(Connection c, int id, TableShape shape, List<String> added)
      throws SQLException {
    if (added.isEmpty()) {
      return;
    }
    Map<String, String> defaults = defaults(c, shape.name());
    long mask = 0;
    StringBuilder differs = new StringBuilder();
    for (String column : added) {
      mask |= 1L << shape.columns().indexOf(column);
      differs.append(differs.isEmpty() ? "" : " OR ").append("t.").append(Sql.id(column)).append(" IS NOT (")
          .append(defaults.get(column)).append(')');
    }
    Sql.update(c, "INSERT INTO lattice_log(tbl, pk, op, cols, hlc) SELECT " + id + ", r.pk, " + LatticeSchema.OP_UPDATE
        + ", " + mask + ", CASE WHEN " + differs + " THEN " + TriggerSql.NEW_HLC + " ELSE r.hlc END FROM "
        + Sql.id(shape.name()) + " t JOIN lattice_rows r ON r.tbl = " + id + " AND r.pk = " + shape.pkExpression("t")
        + " WHERE r.cl % 2 = 1");
    Sql.update(c, "UPDATE lattice_clock SET hlc = max(hlc, coalesce((SELECT max(hlc) FROM lattice_log), 0)) WHERE"
        + " id = 1");
  }

  /** Each column's declared default as SQL ({@code NULL} when it has none). */
  private static Map<String, String> defaults(Connection c, String table) throws SQLException {
    Map<String, String> defaults = new HashMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT name, dflt_value FROM pragma_table_xinfo(?)")) {
      p.setString(1, table);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          defaults.put(r.getString(1), r.getString(2) == null ? "NULL" : r.getString(2));
        }
      }
    }
    return defaults;
  }

  /** SQL, true when the schema is as capture last followed it: the stored cookie is SQLite's schema cookie now. */
  private static final String FOLLOWED = "coalesce((SELECT value FROM main.lattice_meta WHERE key = 'schema_cookie')"
      + " = (SELECT schema_version FROM pragma_schema_version), 0)";

  /**
   * True if this file has Lattice's current layout and no schema change since capture last followed one, told by one
   * statement: every connection opens through here, and the detailed look takes five. False when it cannot tell, for
   * example when Lattice was never enabled on the file: the caller then looks in detail.
   */
  static boolean unchangedSinceFollowed(Connection c) {
    try (PreparedStatement p = c.prepareStatement("SELECT (SELECT value FROM main.lattice_meta WHERE key ="
        + " 'schema_version') = " + LatticeSchema.VERSION + " AND " + FOLLOWED);
        ResultSet r = p.executeQuery()) {
      return r.next() && r.getInt(1) == 1;
    } catch (SQLException noLatticeTables) {
      return false;
    }
  }

  static boolean current(Connection c) throws SQLException {
    return Sql.oneLong(c, "SELECT " + FOLLOWED) == 1;
  }

  /** SQLite's schema cookie: it changes with every change to the schema, by anyone. */
  private static long cookie(Connection c) throws SQLException {
    return Sql.oneLong(c, "PRAGMA schema_version");
  }

  private static boolean tableExists(Connection c, String name) throws SQLException {
    return Sql.one(c, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE", name) != null;
  }

  /** True if table {@code id}'s capture triggers sit on the table called {@code name}. */
  private static boolean triggersOn(Connection c, int id, String name) throws SQLException {
    return Sql.one(c, "SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND name = ? AND tbl_name = ? COLLATE"
        + " NOCASE", TriggerSql.insertTrigger(id), name) != null;
  }

  /** True if any of table {@code id}'s capture triggers exists, on whatever table. */
  private static boolean anyTriggerOf(Connection c, int id) throws SQLException {
    return Sql.one(c, "SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND name = ?", TriggerSql.insertTrigger(id))
        != null;
  }

  private static void dropTriggers(Connection c, int id) throws SQLException {
    for (String ddl : TriggerSql.drop(id)) {
      Sql.exec(c, ddl);
    }
  }
}
