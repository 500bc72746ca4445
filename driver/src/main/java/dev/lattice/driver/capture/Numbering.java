package dev.lattice.driver.capture;

import dev.lattice.driver.Change;
import dev.lattice.driver.NumberSource;
import dev.lattice.driver.NumberedTable;
import dev.lattice.driver.Renumbering;
import dev.lattice.driver.SqlStates;
import dev.lattice.driver.UnsettledRowsException;
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
 * <p>A numbered table is keyed by one {@code INTEGER PRIMARY KEY}, or by a composite key whose last column is an
 * integer the application counts within each value of the others (TPC-C's orders, numbered within their district:
 * {@link NumberedKey}). Two devices inserting at once pick the same number (SQLite one above the highest, the
 * application its next one), so the capture triggers record each local insert in {@code lattice_provisional}, and
 * {@link #settle} moves every provisional row to a number handed out by the space's {@link NumberSource}, before
 * anything is read to be sent. A move is an ordinary key change made with capture on (the
 * rekey trigger logs a delete of the old number and an insert of the new one), after the rows that reference it
 * through declared foreign keys were moved to the new number, so every reference follows; a row keyed by such a
 * reference changes key with it. The old number's life began here and never left, so its metadata is then dropped: a
 * tombstone for it would delete another device's row of that number. A number that already had metadata when it was
 * inserted here (SQLite re-uses the highest number after that row is deleted) keeps its tombstone, since other
 * replicas know that number.
 *
 * <p>A merge that brings a change to a number a provisional row holds here, or a reference to it, moves that row out
 * of the way first ({@link #makeRoom}), below zero and below every number of its prefix and of the batch; it stays
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
   * Per numbered table and prefix with rows waiting to be settled, the highest settled number and how many wait, in
   * registry and key order; none when no row waits anywhere (one probe).
   */
  static List<NumberedTable> state(Connection c) throws SQLException {
    List<NumberedTable> out = new ArrayList<>();
    if (!LatticeSchema.exists(c) || Sql.one(c, ANY) == null) {
      return out;
    }
    for (NumberedKey key : numbered(c)) {
      for (Map.Entry<List<Object>, List<Long>> waiting : key.provisional(c).entrySet()) {
        out.add(new NumberedTable(key.table.shape().name(), waiting.getKey(), key.counter(waiting.getKey()),
            key.highestSettled(c, waiting.getKey()), waiting.getValue().size()));
      }
    }
    return out;
  }

  /**
   * This replica as a number source for the replicas it serves: a counter per counter name in {@code lattice_meta},
   * raised to the highest number an asker knows, so a number it hands out is above every number any of them has settled.
   */
  static long allocate(Connection c, String counter, long highestKnown, int count) throws SQLException {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    return Transactions.write(c, "lattice_allocate", () -> {
      String key = "numbers:" + counter;
      Object stored = Sql.one(c, "SELECT value FROM lattice_meta WHERE key = ?", key);
      long above = Math.max(stored == null ? 0 : ((Number) stored).longValue(), highestKnown);
      if (above > Long.MAX_VALUE - Math.max(count, 1)) {
        throw new SQLException("no " + count + " numbers are left above " + above + " for counter " + counter
            + ": numbers are 64-bit integers", SqlStates.DATA_EXCEPTION);
      }
      long first = above + 1;
      Sql.update(c, "INSERT INTO lattice_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET"
          + " value = excluded.value", key, first + count - 1);
      return first;
    });
  }

  /** Settles every provisional row: see the class comment. Returns the moves, in table, prefix and number order. */
  static List<Renumbering> settle(Connection c, NumberSource source) throws SQLException {
    return Transactions.write(c, "lattice_settle", () -> {
      List<Renumbering> moves = new ArrayList<>();
      if (!LatticeSchema.exists(c)) {
        return moves;
      }
      LogFold.fold(c);
      // Children move to a number before their parent does; the checks hold at commit, as SQLite defers them.
      Sql.exec(c, "PRAGMA defer_foreign_keys = ON");
      for (NumberedKey key : numbered(c)) {
        for (Map.Entry<List<Object>, List<Long>> waiting : key.provisional(c).entrySet()) {
          List<Object> prefix = waiting.getKey();
          List<Long> alive = waiting.getValue();
          long first = source.allocate(key.counter(prefix), key.highestSettled(c, prefix), alive.size());
          moves.addAll(moveAll(c, key, prefix, alive, first));
        }
        forgetProvisional(c, key);
      }
      return moves;
    });
  }

  /**
   * Before a merge writes {@code incoming}: every provisional row whose number the batch names, as a key of its table
   * or as a value of a column referencing it, moves below every number of its prefix and the batch, below zero: out of
   * the way of the numbers the application hands out next (SQLite one above the highest, or a counter of its own such
   * as TPC-C's {@code d_next_o_id}, which may not have counted the incoming rows yet). For a composite key a number is
   * taken as named in every prefix (a referencing column's change does not carry the prefix): a provisional row moved
   * once more than needed moves again when it settles. Returns the moves.
   */
  static List<Renumbering> makeRoom(Connection c, MergeSession session, List<Change> incoming) throws SQLException {
    List<Renumbering> moved = new ArrayList<>();
    try (ResultSet any = session.statement(ANY).executeQuery()) { // every batch asks: prepared once per session
      if (!any.next()) {
        return moved;
      }
    }
    Sql.exec(c, "PRAGMA defer_foreign_keys = ON");
    Map<String, List<String>> keys = new java.util.HashMap<>(); // every tracked table's key columns, by name
    for (TrackedTables.Registered t : TrackedTables.all(c).values()) {
      keys.put(t.shape().name(), t.shape().pkColumns());
    }
    for (NumberedKey key : numbered(c)) {
      List<Reference> references = references(c, key);
      Set<Long> named = named(incoming, key, references, keys);
      if (named.isEmpty()) {
        continue;
      }
      for (Map.Entry<List<Object>, List<Long>> waiting : key.provisional(c).entrySet()) {
        List<Object> prefix = waiting.getKey();
        List<Long> inTheWay = waiting.getValue().stream().filter(named::contains).toList();
        // Below every number, in the same order: the application's ids keep their order.
        long next = Math.min(key.lowest(c, prefix), named.stream().mapToLong(Long::longValue).min().orElse(0))
            - inTheWay.size();
        Map<Long, Long> moves = new LinkedHashMap<>();
        for (long number : inTheWay) {
          moves.put(number, next++);
        }
        if (!moves.isEmpty()) {
          try (Mover mover = new Mover(c, key, prefix, references)) {
            mover.repoint(moves);
            for (Map.Entry<Long, Long> move : moves.entrySet()) {
              mover.move(move.getKey(), move.getValue());
              moved.add(new Renumbering(key.table.shape().name(), prefix, move.getKey(), move.getValue()));
            }
            LogFold.fold(c);
            mover.forgetVacatedFirstLives();
          }
        }
      }
      forgetVacated(c, key); // also a dead first life at a named number: its tombstone would beat the peer's row
    }
    return moved;
  }

  /**
   * The numbers {@code changes} name in {@code key}'s table: its keys, and values of the columns referencing it, both
   * as values of changed columns and as parts of the keys of tables keyed by a reference (an order line, whose key
   * holds its order's number, may arrive in a batch without its order).
   */
  private static Set<Long> named(List<Change> changes, NumberedKey key, List<Reference> references,
      Map<String, List<String>> keys) {
    Set<Long> named = new TreeSet<>();
    String table = key.table.shape().name();
    for (Change change : changes) {
      if (change.table().equals(table)) {
        NumberedKey.Slot slot = key.slot(change.pk());
        if (slot != null) {
          named.add(slot.number());
        }
        continue;
      }
      for (Reference r : references) {
        if (!r.table().equals(change.table())) {
          continue;
        }
        if (r.column().equals(change.column()) && Sql.normalize(change.value()) instanceof Long number) {
          named.add(number);
        }
        List<String> childKey = keys.getOrDefault(change.table(), List.of());
        int at = indexOfIgnoreCase(childKey, r.column());
        if (at >= 0 && Sql.normalize(PrimaryKeyCodec.decode(change.pk(), childKey.size())[at]) instanceof Long number) {
          named.add(number);
        }
      }
    }
    return named;
  }

  /** Numbered tables, tracked or not: provisional rows of a table untracked since still must not leave. */
  private static List<NumberedKey> numbered(Connection c) throws SQLException {
    return TrackedTables.all(c).values().stream().filter(t -> t.shape().numbered()).map(NumberedKey::new).toList();
  }

  /**
   * Moves the rows of {@code prefix} numbered {@code from} (ascending) to {@code first}, {@code first + 1}, ... A
   * target another of them still holds is taken once that one has moved; a cycle of such rows is broken through a
   * number above them all.
   */
  private static List<Renumbering> moveAll(Connection c, NumberedKey key, List<Object> prefix, List<Long> from,
      long first) throws SQLException {
    Map<Long, Long> target = new LinkedHashMap<>();
    Map<Long, Long> original = new LinkedHashMap<>(); // current number -> number the row had when settling began
    for (int i = 0; i < from.size(); i++) {
      target.put(from.get(i), first + i);
      original.put(from.get(i), from.get(i));
    }
    Map<Long, Long> changed = new LinkedHashMap<>(target);
    changed.entrySet().removeIf(move -> move.getKey().equals(move.getValue()));
    List<Renumbering> moves = new ArrayList<>();
    long spare = Math.max(key.highest(c, prefix), first + from.size());
    try (Mover mover = new Mover(c, key, prefix, references(c, key))) {
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
            moves.add(new Renumbering(key.table.shape().name(), prefix, was, to));
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
   * Moves rows of one prefix of a numbered table, and the references to them; capture on, so every move is logged as
   * this replica's writes. The references move first, all at once: one statement per referencing column, so a column
   * without an index is scanned once per settle, not once per moved row. Statements are prepared once: SQLite compiles
   * the table's triggers into each one.
   */
  private static final class Mover implements AutoCloseable {
    private static final String MOVES = "CREATE TEMP TABLE IF NOT EXISTS lattice_moves(from_num INTEGER PRIMARY KEY,"
        + " to_num INTEGER NOT NULL, via_num INTEGER NOT NULL)";
    private static final String VACATED = "CREATE TEMP TABLE IF NOT EXISTS lattice_vacated(tbl INTEGER NOT NULL, pk"
        + " NOT NULL, PRIMARY KEY (tbl, pk)) WITHOUT ROWID";

    private final Connection c;
    private final NumberedKey numbered;
    private final List<Object> prefix;
    private final List<PreparedStatement> statements = new ArrayList<>();
    private final List<PreparedStatement> repoints = new ArrayList<>();
    /** Per tracked table keyed by a referencing column: notes the first lives its repointing will vacate. */
    private final List<PreparedStatement> firstLives = new ArrayList<>();
    private final PreparedStatement key;
    private final PreparedStatement mapping;

    Mover(Connection c, NumberedKey numbered, List<Object> prefix, List<Reference> references) throws SQLException {
      this.c = c;
      this.numbered = numbered;
      this.prefix = prefix;
      try {
        Sql.exec(c, MOVES);
        Map<String, TrackedTables.Registered> tracked = new java.util.HashMap<>();
        for (TrackedTables.Registered t : TrackedTables.all(c).values()) {
          tracked.put(t.shape().name().toLowerCase(java.util.Locale.ROOT), t);
        }
        for (Reference r : references) {
          String column = Sql.id(r.column());
          StringBuilder ofPrefix = new StringBuilder(); // ?1, ?2...: the prefix, bound once however often named
          for (int i = 0; i < r.prefixColumns().size(); i++) {
            ofPrefix.append("t.").append(Sql.id(r.prefixColumns().get(i))).append(" = ?").append(i + 1).append(" AND ");
          }
          String moving = ofPrefix + "t." + column + " IN (SELECT from_num FROM temp.lattice_moves)";
          TrackedTables.Registered child = tracked.get(r.table().toLowerCase(java.util.Locale.ROOT));
          if (child != null && child.shape().pkColumns().stream().anyMatch(r.column()::equalsIgnoreCase)) {
            // The child's key changes with the reference. A key whose only life began here never left (nothing is
            // sent while a row is provisional, and the child came after its parent), and its tombstone would delete
            // another device's row of that key: noted now, forgotten once moved.
            Sql.exec(c, VACATED);
            firstLives.add(prepare(firstLivesOf(numbered, child, r, moving)));
            // One statement moves row by row, and a child moving onto a key another has not left yet would collide:
            // the keys pass through numbers below all of them, whose lives (begun and ended here) are forgotten too.
            String table = "main." + Sql.id(r.table());
            String passing = ofPrefix + "t." + column + " IN (SELECT via_num FROM temp.lattice_moves)";
            repoints.add(prepare("UPDATE " + table + " AS t SET " + column + " = (SELECT m.via_num FROM"
                + " temp.lattice_moves m WHERE m.from_num = t." + column + ") WHERE " + moving));
            repoints.add(prepare("INSERT OR IGNORE INTO temp.lattice_vacated(tbl, pk) SELECT " + child.id() + ", "
                + child.shape().pkExpression("t") + " FROM " + table + " t WHERE " + passing));
            repoints.add(prepare("UPDATE " + table + " AS t SET " + column + " = (SELECT m.to_num FROM"
                + " temp.lattice_moves m WHERE m.via_num = t." + column + ") WHERE " + passing));
            continue;
          }
          repoints.add(prepare("UPDATE main." + Sql.id(r.table()) + " AS t SET " + column + " = (SELECT m.to_num FROM"
              + " temp.lattice_moves m WHERE m.from_num = t." + column + ") WHERE " + moving));
        }
        String id = Sql.id(numbered.numberColumn);
        key = prepare("UPDATE " + numbered.table() + " AS t SET " + id + " = ? WHERE " + numbered.prefixCondition("t")
            + "t." + id + " = ?");
        mapping = prepare("INSERT INTO temp.lattice_moves(from_num, to_num, via_num) VALUES (?, ?, ?)");
      } catch (SQLException | RuntimeException e) {
        close();
        throw e;
      }
    }

    /**
     * Notes the first lives of {@code child}'s keys that hold a moving number. Where the reference is the start of the
     * child's key (TPC-C's order lines, keyed by their order's key and a line number), the metadata is searched by key
     * range, which also finds rows inserted and deleted here before settling; otherwise the child's live rows.
     */
    private static String firstLivesOf(NumberedKey numbered, TrackedTables.Registered child, Reference r,
        String moving) {
      List<String> childKey = child.shape().pkColumns();
      List<String> reference = new ArrayList<>(r.prefixColumns());
      reference.add(r.column());
      boolean leading = childKey.size() >= reference.size();
      for (int i = 0; leading && i < reference.size(); i++) {
        leading = childKey.get(i).equalsIgnoreCase(reference.get(i));
      }
      String insert = "INSERT OR IGNORE INTO temp.lattice_vacated(tbl, pk) SELECT " + child.id() + ", r.pk FROM ";
      if (!leading) {
        return insert + "lattice_rows r WHERE r.tbl = " + child.id() + " AND r.cl = 1 AND r.pk IN (SELECT "
            + child.shape().pkExpression("t") + " FROM main." + Sql.id(r.table()) + " t WHERE " + moving + ")";
      }
      // The parent's key as the child's key starts with it: the prefix's values as quote() writes them, then the number.
      StringBuilder parentKey = new StringBuilder();
      for (int i = 0; i < r.prefixColumns().size(); i++) {
        parentKey.append("quote(?").append(i + 1).append(") || ',' || ");
      }
      parentKey.append("m.from_num");
      String key = "(" + parentKey + ")";
      String match = childKey.size() == 1 ? "r.pk = m.from_num"
          : childKey.size() == reference.size() ? "r.pk = " + key
          : "r.pk > " + key + " || ',' AND r.pk < " + key + " || '-'"; // '-' follows ','
      return insert + "temp.lattice_moves m JOIN lattice_rows r ON r.tbl = " + child.id() + " AND " + match
          + " WHERE r.cl IN (1, 2) AND NOT EXISTS (SELECT 1 FROM lattice_provisional p WHERE p.tbl = "
          + numbered.table.id() + " AND p.known = 1 AND p.num = " + (r.prefixColumns().isEmpty() ? "m.from_num"
          : key) + ")";
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
      long via = Math.min(numbered.lowest(c, prefix), 0); // below every number the prefix, and so its children, holds
      for (Map.Entry<Long, Long> move : moves.entrySet()) {
        via = Math.min(via, Math.min(move.getKey(), move.getValue()));
      }
      for (Map.Entry<Long, Long> move : moves.entrySet()) {
        mapping.setLong(1, move.getKey());
        mapping.setLong(2, move.getValue());
        mapping.setLong(3, --via);
        mapping.executeUpdate();
      }
      for (PreparedStatement p : firstLives) {
        Sql.bind(p, 1, prefix.toArray());
        p.executeUpdate();
      }
      for (PreparedStatement p : repoints) {
        Sql.bind(p, 1, prefix.toArray());
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
      Sql.bind(key, 2, prefix.toArray());
      key.setLong(2 + prefix.size(), from);
      key.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
      Sql.closeAll(statements);
    }
  }

  /** Ends every provisional record of {@code key}'s table; the numbers whose life here never left are forgotten. */
  private static void forgetProvisional(Connection c, NumberedKey key) throws SQLException {
    forgetVacated(c, key);
    Sql.update(c, "DELETE FROM lattice_provisional WHERE tbl = ?", key.table.id());
  }

  /**
   * For each provisional record of {@code key}'s table whose row is gone: the key's metadata is dropped if it had none
   * before the row was inserted here, and the record ends.
   */
  private static void forgetVacated(Connection c, NumberedKey key) throws SQLException {
    key.noteVacated(c);
    int dropped = 0;
    for (String metadata : List.of("lattice_rows", "lattice_cols", "lattice_counters", "lattice_conflict_log")) {
      dropped += Sql.update(c, "DELETE FROM " + metadata + " WHERE tbl = ? AND pk IN (SELECT pk FROM temp.lattice_gone"
          + " WHERE known = 0)", key.table.id());
    }
    Sql.update(c, "DELETE FROM lattice_provisional WHERE tbl = ? AND num IN (SELECT pk FROM temp.lattice_gone)",
        key.table.id());
    Sql.exec(c, "DELETE FROM temp.lattice_gone");
    if (dropped > 0) {
      ReplicaTree.invalidate(c); // trees find changed rows by version, never rows whose metadata is gone
    }
  }

  /**
   * A declared foreign key of {@code table} onto a numbered table's whole key: {@code column} holds the number, and
   * {@code prefixColumns} the values of the other key columns (none for a one-column key).
   */
  record Reference(String table, List<String> prefixColumns, String column) {}

  /**
   * The references onto {@code key}'s whole key: those named in its track options, and the declared foreign keys of
   * any table of the database.
   */
  static List<Reference> references(Connection c, NumberedKey key) throws SQLException {
    List<String> parent = key.table.shape().pkColumns();
    Map<String, Map<Integer, String[]>> byKey = new LinkedHashMap<>(); // child table and fk id -> seq -> from, to
    try (PreparedStatement p = c.prepareStatement("SELECT m.name, f.id, f.seq, f.\"from\", f.\"to\" FROM sqlite_schema m"
        + " JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f.\"table\" = ? COLLATE NOCASE"
        + " ORDER BY 1, 2, 3")) {
      p.setString(1, key.table.shape().name());
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          byKey.computeIfAbsent(r.getString(1) + "\0" + r.getInt(2), k -> new LinkedHashMap<>())
              .put(r.getInt(3), new String[] {r.getString(4), r.getString(5)});
        }
      }
    }
    List<Reference> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> named : NamedReferences.read(c, key.table.id()).entrySet()) {
      List<String> columns = named.getValue();
      out.add(new Reference(named.getKey(), columns.subList(0, columns.size() - 1), columns.get(columns.size() - 1)));
    }
    for (Map.Entry<String, Map<Integer, String[]>> fk : byKey.entrySet()) {
      String child = fk.getKey().substring(0, fk.getKey().indexOf('\0'));
      List<String[]> pairs = new ArrayList<>(fk.getValue().values());
      if (pairs.size() != parent.size()) {
        continue;
      }
      String[] childOf = new String[parent.size()]; // parent key column position -> the child's column
      for (int i = 0; i < pairs.size(); i++) {
        String to = pairs.get(i)[1];
        int at = to == null ? i : indexOfIgnoreCase(parent, to);
        if (at < 0 || childOf[at] != null) {
          break;
        }
        childOf[at] = pairs.get(i)[0];
      }
      if (java.util.Arrays.stream(childOf).anyMatch(java.util.Objects::isNull)) {
        continue;
      }
      Reference declared = new Reference(child, List.of(childOf).subList(0, childOf.length - 1),
          childOf[childOf.length - 1]);
      if (!out.contains(declared)) {
        out.add(declared);
      }
    }
    return out;
  }

  private static int indexOfIgnoreCase(List<String> columns, String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).equalsIgnoreCase(column)) {
        return i;
      }
    }
    return -1;
  }
}
