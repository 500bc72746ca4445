package dev.lattice.driver.capture;

import dev.lattice.driver.Change;
import dev.lattice.driver.NumberSource;
import dev.lattice.driver.NumberedTable;
import dev.lattice.driver.Renumbering;
import dev.lattice.driver.SqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Numbered tables: rows SQLite numbered here are provisional until they are given a number no other replica of the
 * space is given, and they never leave this replica before that.
 *
 * <p>A numbered table is keyed by one {@code INTEGER PRIMARY KEY}. Two devices inserting at once get the same number
 * from SQLite (one above the highest), so the capture triggers record each local insert in
 * {@code lattice_provisional}, and {@link #settle} moves every provisional row to a number handed out by the space's
 * {@link NumberSource}, before anything is read to be sent. A move is an ordinary key change made with capture on (the
 * rekey trigger logs a delete of the old number and an insert of the new one), after the rows that reference it
 * through declared foreign keys were moved to the new number, so every reference follows. The old number's life began
 * here and never left, so its metadata is then dropped: a tombstone for it would delete another device's row of that
 * number. A number that already had metadata when it was inserted here (SQLite re-uses the highest number after that
 * row is deleted) keeps its tombstone, since other replicas know that number.
 *
 * <p>A merge that brings a change to a number a provisional row holds here, or a reference to it, moves that row out
 * of the way first ({@link #makeRoom}), to a number above every number of the table and of the batch; it stays
 * provisional.
 */
final class Numbering {
  private static final String ANY = "SELECT 1 FROM lattice_provisional LIMIT 1";

  private Numbering() {}

  /**
   * Refuses to read changes to send while provisional rows exist: they would reach peers under unsettled numbers. For a
   * database Lattice enabled.
   */
  static void refuseUnsettled(Connection c) throws SQLException {
    long rows = Sql.oneLong(c, "SELECT count(*) FROM lattice_provisional");
    if (rows > 0) {
      throw new UnsettledRowsException(rows);
    }
  }

  /**
   * Every numbered table's highest settled number and rows waiting to be settled, in registry order; none when no row
   * waits anywhere (one probe).
   */
  static List<NumberedTable> state(Connection c) throws SQLException {
    List<NumberedTable> out = new ArrayList<>();
    if (!LatticeSchema.exists(c) || Sql.one(c, ANY) == null) {
      return out;
    }
    for (TrackedTables.Registered table : numbered(c)) {
      out.add(new NumberedTable(table.shape().name(), highestSettled(c, table), provisionalRows(c, table).size()));
    }
    return out;
  }

  /**
   * This replica as a number source for the replicas it serves: one counter per table in {@code lattice_meta}, raised
   * to the highest number an asker knows, so a number it hands out is above every number any of them has settled.
   */
  static long allocate(Connection c, String table, long highestKnown, int count) throws SQLException {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    return Transactions.write(c, "lattice_allocate", () -> {
      String key = "numbers:" + table;
      Object stored = Sql.one(c, "SELECT value FROM lattice_meta WHERE key = ?", key);
      long above = Math.max(stored == null ? 0 : ((Number) stored).longValue(), highestKnown);
      if (above > Long.MAX_VALUE - Math.max(count, 1)) {
        throw new SQLException("no " + count + " numbers are left above " + above + " for table " + table
            + ": numbers are 64-bit integers", SqlStates.DATA_EXCEPTION);
      }
      long first = above + 1;
      Sql.update(c, "INSERT INTO lattice_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET"
          + " value = excluded.value", key, first + count - 1);
      return first;
    });
  }

  /** Settles every provisional row: see the class comment. Returns the moves, in table and number order. */
  static List<Renumbering> settle(Connection c, NumberSource source) throws SQLException {
    return Transactions.write(c, "lattice_settle", () -> {
      List<Renumbering> moves = new ArrayList<>();
      if (!LatticeSchema.exists(c)) {
        return moves;
      }
      LogFold.fold(c);
      // Children move to a number before their parent does; the checks hold at commit, as SQLite defers them.
      Sql.exec(c, "PRAGMA defer_foreign_keys = ON");
      for (TrackedTables.Registered table : numbered(c)) {
        List<Long> alive = provisionalRows(c, table);
        if (!alive.isEmpty()) {
          long first = source.allocate(table.shape().name(), highestSettled(c, table), alive.size());
          moves.addAll(moveAll(c, table, alive, first));
        }
        forgetProvisional(c, table);
      }
      return moves;
    });
  }

  /**
   * Before a merge writes {@code incoming}: every provisional row whose number the batch names, as a key of its table
   * or as a value of a column referencing it, moves to a number above both the table's and the batch's highest.
   */
  static void makeRoom(Connection c, MergeSession session, List<Change> incoming) throws SQLException {
    try (ResultSet any = session.statement(ANY).executeQuery()) { // every batch asks: prepared once per session
      if (!any.next()) {
        return;
      }
    }
    Sql.exec(c, "PRAGMA defer_foreign_keys = ON");
    for (TrackedTables.Registered table : numbered(c)) {
      List<Reference> references = references(c, table);
      Set<Long> named = named(incoming, table.shape().name(), references);
      if (named.isEmpty()) {
        continue;
      }
      long above = Math.max(highest(c, table), named.stream().mapToLong(Long::longValue).max().orElse(0));
      Map<Long, Long> moves = new LinkedHashMap<>();
      for (long number : provisionalRows(c, table)) {
        if (named.contains(number)) {
          moves.put(number, ++above);
        }
      }
      if (!moves.isEmpty()) {
        try (Mover mover = new Mover(c, table, references)) {
          mover.repoint(moves);
          for (Map.Entry<Long, Long> move : moves.entrySet()) {
            mover.move(move.getKey(), move.getValue());
          }
          LogFold.fold(c);
          mover.forgetVacatedFirstLives();
        }
      }
      forgetVacated(c, table); // also a dead first life at a named number: its tombstone would beat the peer's row
    }
  }

  /** The numbers {@code changes} name in {@code table}: its keys, and values of the columns referencing it. */
  private static Set<Long> named(List<Change> changes, String table, List<Reference> references) {
    Set<Long> named = new TreeSet<>();
    for (Change change : changes) {
      if (change.table().equals(table) && Sql.normalize(change.pk()) instanceof Long number) {
        named.add(number);
      } else if (change.column() != null && Sql.normalize(change.value()) instanceof Long number
          && references.contains(new Reference(change.table(), change.column()))) {
        named.add(number);
      }
    }
    return named;
  }

  /** Numbered tables, tracked or not: provisional rows of a table untracked since still must not leave. */
  private static List<TrackedTables.Registered> numbered(Connection c) throws SQLException {
    return TrackedTables.all(c).values().stream().filter(t -> t.shape().numbered()).toList();
  }

  /** The provisional numbers of {@code table} that hold a row now, ascending. */
  private static List<Long> provisionalRows(Connection c, TrackedTables.Registered table) throws SQLException {
    String key = Sql.id(table.shape().pkColumns().get(0));
    List<Long> rows = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT p.num FROM lattice_provisional p JOIN main."
        + Sql.id(table.shape().name()) + " t ON t." + key + " = p.num WHERE p.tbl = ? ORDER BY p.num")) {
      p.setInt(1, table.id());
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          rows.add(r.getLong(1));
        }
      }
    }
    return rows;
  }

  /** The highest number of {@code table} that is not provisional here, live or deleted; 0 if none. */
  private static long highestSettled(Connection c, TrackedTables.Registered table) throws SQLException {
    // Down the key index from the top, stopping at the first settled number: not max(), which would read them all.
    Object found = Sql.one(c, "SELECT pk FROM lattice_rows WHERE tbl = ? AND typeof(pk) = 'integer' AND pk NOT IN"
        + " (SELECT num FROM lattice_provisional WHERE tbl = ?) ORDER BY pk DESC LIMIT 1", table.id(), table.id());
    return found == null ? 0 : ((Number) found).longValue();
  }

  /** The highest number the table or its metadata holds; 0 if none. */
  private static long highest(Connection c, TrackedTables.Registered table) throws SQLException {
    String key = Sql.id(table.shape().pkColumns().get(0));
    return Sql.oneLong(c, "SELECT max(coalesce((SELECT max(" + key + ") FROM main." + Sql.id(table.shape().name())
        + "), 0), coalesce((SELECT max(pk) FROM lattice_rows WHERE tbl = ? AND typeof(pk) = 'integer'), 0))",
        table.id());
  }

  /**
   * Moves the rows numbered {@code from} (ascending) to {@code first}, {@code first + 1}, ... A target another of them
   * still holds is taken once that one has moved; a cycle of such rows is broken through a number above them all.
   */
  private static List<Renumbering> moveAll(Connection c, TrackedTables.Registered table, List<Long> from, long first)
      throws SQLException {
    Map<Long, Long> target = new LinkedHashMap<>();
    Map<Long, Long> original = new LinkedHashMap<>(); // current number -> number the row had when settling began
    for (int i = 0; i < from.size(); i++) {
      target.put(from.get(i), first + i);
      original.put(from.get(i), from.get(i));
    }
    Map<Long, Long> changed = new LinkedHashMap<>(target);
    changed.entrySet().removeIf(move -> move.getKey().equals(move.getValue()));
    List<Renumbering> moves = new ArrayList<>();
    long spare = Math.max(highest(c, table), first + from.size());
    try (Mover mover = new Mover(c, table, references(c, table))) {
      mover.repoint(changed);
      while (!target.isEmpty()) {
        boolean moved = false;
        for (Map.Entry<Long, Long> next : List.copyOf(target.entrySet())) {
          long now = next.getKey();
          long to = next.getValue();
          if (now != to && target.containsKey(to)) {
            continue; // another row still holds the target
          }
          if (now != to) {
            mover.move(now, to);
          }
          long was = original.remove(now);
          target.remove(now);
          if (was != to) {
            moves.add(new Renumbering(table.shape().name(), was, to));
          }
          moved = true;
        }
        if (!moved) {
          long now = target.keySet().iterator().next();
          mover.move(now, ++spare);
          target.put(spare, target.remove(now));
          original.put(spare, original.remove(now));
        }
      }
      LogFold.fold(c);
      mover.forgetVacatedFirstLives();
    }
    moves.sort((a, b) -> Long.compare(a.from(), b.from()));
    return moves;
  }

  /**
   * Moves rows of one table, and the references to them; capture on, so every move is logged as this replica's
   * writes. The references move first, all at once: one statement per referencing column, so a column without an
   * index is scanned once per settle, not once per moved row. Statements are prepared once: SQLite compiles the
   * table's triggers into each one.
   */
  private static final class Mover implements AutoCloseable {
    private static final String MOVES = "CREATE TEMP TABLE IF NOT EXISTS lattice_moves(from_num INTEGER PRIMARY KEY,"
        + " to_num INTEGER NOT NULL)";
    private static final String VACATED = "CREATE TEMP TABLE IF NOT EXISTS lattice_vacated(tbl INTEGER NOT NULL, pk"
        + " NOT NULL, PRIMARY KEY (tbl, pk)) WITHOUT ROWID";

    private final Connection c;
    private final List<PreparedStatement> statements = new ArrayList<>();
    private final List<PreparedStatement> repoints = new ArrayList<>();
    /** Per tracked table keyed by a referencing column: notes the first lives its repointing will vacate. */
    private final List<PreparedStatement> firstLives = new ArrayList<>();
    private final PreparedStatement key;
    private final PreparedStatement mapping;

    Mover(Connection c, TrackedTables.Registered table, List<Reference> references) throws SQLException {
      this.c = c;
      try {
        Sql.exec(c, MOVES);
        Map<String, TrackedTables.Registered> tracked = new java.util.HashMap<>();
        for (TrackedTables.Registered t : TrackedTables.all(c).values()) {
          tracked.put(t.shape().name().toLowerCase(java.util.Locale.ROOT), t);
        }
        for (Reference r : references) {
          String column = Sql.id(r.column());
          String moving = column + " IN (SELECT from_num FROM temp.lattice_moves)";
          TrackedTables.Registered child = tracked.get(r.table().toLowerCase(java.util.Locale.ROOT));
          if (child != null && child.shape().pkColumns().stream().anyMatch(r.column()::equalsIgnoreCase)) {
            // The child's key changes with the reference. A key whose only life began here (cl 1) never left, and
            // its tombstone would delete another device's row of that key: noted now, forgotten once moved.
            Sql.exec(c, VACATED);
            firstLives.add(prepare("INSERT OR IGNORE INTO temp.lattice_vacated(tbl, pk) SELECT " + child.id()
                + ", r.pk FROM lattice_rows r WHERE r.tbl = " + child.id() + " AND r.cl = 1 AND r.pk IN (SELECT "
                + child.shape().pkExpression("t") + " FROM main." + Sql.id(r.table()) + " t WHERE t." + moving
                + ")"));
          }
          repoints.add(prepare("UPDATE main." + Sql.id(r.table()) + " SET " + column + " = (SELECT m.to_num FROM"
              + " temp.lattice_moves m WHERE m.from_num = " + column + ") WHERE " + moving));
        }
        String id = Sql.id(table.shape().pkColumns().get(0));
        key = prepare("UPDATE main." + Sql.id(table.shape().name()) + " SET " + id + " = ? WHERE " + id + " = ?");
        mapping = prepare("INSERT INTO temp.lattice_moves(from_num, to_num) VALUES (?, ?)");
      } catch (SQLException | RuntimeException e) {
        close();
        throw e;
      }
    }

    private PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement p = c.prepareStatement(sql);
      statements.add(p);
      return p;
    }

    /** Points every reference to a number of {@code moves} at the number it maps to, before the rows move. */
    void repoint(Map<Long, Long> moves) throws SQLException {
      if (repoints.isEmpty() || moves.isEmpty()) {
        return;
      }
      Sql.exec(c, "DELETE FROM temp.lattice_moves");
      for (Map.Entry<Long, Long> move : moves.entrySet()) {
        mapping.setLong(1, move.getKey());
        mapping.setLong(2, move.getValue());
        mapping.executeUpdate();
      }
      for (PreparedStatement p : firstLives) {
        p.executeUpdate();
      }
      for (PreparedStatement p : repoints) {
        p.executeUpdate();
      }
      Sql.exec(c, "DELETE FROM temp.lattice_moves");
    }

    /**
     * Drops the metadata of the keys noted by {@link #repoint} that no row holds now (their only life, begun here,
     * ended with the move); call once the moves are folded.
     */
    void forgetVacatedFirstLives() throws SQLException {
      if (firstLives.isEmpty()) {
        return;
      }
      // A key a row holds again (another moved onto it) keeps its metadata: that row's life goes on there.
      Sql.exec(c, "DELETE FROM temp.lattice_vacated WHERE NOT EXISTS (SELECT 1 FROM lattice_rows r WHERE r.tbl ="
          + " lattice_vacated.tbl AND r.pk = lattice_vacated.pk AND r.cl = 2)");
      int dropped = 0;
      for (String metadata : List.of("lattice_rows", "lattice_cols", "lattice_counters", "lattice_conflict_log")) {
        dropped += Sql.update(c, "DELETE FROM " + metadata + " WHERE (tbl, pk) IN (SELECT tbl, pk FROM"
            + " temp.lattice_vacated)");
      }
      Sql.exec(c, "DELETE FROM temp.lattice_vacated");
      if (dropped > 0) {
        ReplicaTree.invalidate(c);
      }
    }

    /** Moves the row numbered {@code from} to {@code to}; its references were repointed already. */
    void move(long from, long to) throws SQLException {
      key.setLong(1, to);
      key.setLong(2, from);
      key.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
      Sql.closeAll(statements);
    }
  }

  /** Ends every provisional record of {@code table}; the numbers whose life here never left are forgotten. */
  private static void forgetProvisional(Connection c, TrackedTables.Registered table) throws SQLException {
    forgetVacated(c, table);
    Sql.update(c, "DELETE FROM lattice_provisional WHERE tbl = ?", table.id());
  }

  /**
   * For each provisional number of {@code table} that holds no row any more: its metadata is dropped if the number
   * had none before it was inserted here, and the record ends.
   */
  private static void forgetVacated(Connection c, TrackedTables.Registered table) throws SQLException {
    String vacated = "SELECT num FROM lattice_provisional WHERE tbl = " + table.id() + " AND known = 0 AND num NOT IN"
        + " (SELECT " + Sql.id(table.shape().pkColumns().get(0)) + " FROM main." + Sql.id(table.shape().name()) + ")";
    int dropped = 0;
    for (String metadata : List.of("lattice_rows", "lattice_cols", "lattice_counters", "lattice_conflict_log")) {
      dropped += Sql.update(c, "DELETE FROM " + metadata + " WHERE tbl = ? AND pk IN (" + vacated + ")", table.id());
    }
    if (dropped > 0) {
      ReplicaTree.invalidate(c); // trees find changed rows by version, never rows whose metadata is gone
    }
    Sql.update(c, "DELETE FROM lattice_provisional WHERE tbl = ? AND num NOT IN (SELECT "
        + Sql.id(table.shape().pkColumns().get(0)) + " FROM main." + Sql.id(table.shape().name()) + ")", table.id());
  }

  /** A column that references a numbered table's key through a declared single-column foreign key. */
  record Reference(String table, String column) {}

  /** The declared single-column foreign keys, in any table of the database, that reference {@code table}'s key. */
  static List<Reference> references(Connection c, TrackedTables.Registered table) throws SQLException {
    List<Reference> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT m.name, f.\"from\" FROM sqlite_schema m"
        + " JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f.\"table\" = ? COLLATE NOCASE"
        + " AND (f.\"to\" IS NULL OR f.\"to\" = ? COLLATE NOCASE)"
        + " AND (SELECT count(*) FROM pragma_foreign_key_list(m.name) g WHERE g.id = f.id) = 1 ORDER BY 1, 2")) {
      p.setString(1, table.shape().name());
      p.setString(2, table.shape().pkColumns().get(0));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(new Reference(r.getString(1), r.getString(2)));
        }
      }
    }
    return out;
  }
}
