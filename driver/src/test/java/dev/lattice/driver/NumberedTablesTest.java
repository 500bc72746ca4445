package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.VersionVector;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbered tables: rows SQLite numbers on two devices at once both survive, under numbers the space's number source
 * hands out when each device settles, and the rows that reference them follow.
 */
class NumberedTablesTest {
  static final String CUSTOMERS = "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL)";
  static final String INVOICES = "CREATE TABLE invoices(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL"
      + " REFERENCES customers(id), total REAL NOT NULL)";

  @TempDir Path dir;

  private TestDatabase replica(String name) throws SQLException {
    TestDatabase db = TestDatabase.create(dir, name, "PRAGMA foreign_keys = ON", CUSTOMERS, INVOICES);
    db.replica().track("customers", TrackOptions.DEFAULT.numberedForSync());
    db.replica().track("invoices", TrackOptions.DEFAULT.numberedForSync());
    return db;
  }

  /** Settles both sides through {@code source}, then syncs them. */
  private static void sync(TestDatabase a, TestDatabase b, NumberSource source) throws SQLException {
    a.replica().settle(source);
    b.replica().settle(source);
    a.replica().syncWith(b.replica());
  }

  private static List<List<Object>> invoicesWithCustomers(TestDatabase db) throws SQLException {
    return db.query("SELECT i.id, c.id, c.name, i.total FROM invoices i JOIN customers c ON c.id = i.customer_id"
        + " ORDER BY i.id");
  }

  @Test
  void rowsKeyedByAReference_moveWithTheirRow_andLeaveNoTombstoneOnAnotherDevicesRow() throws Exception {
    String playlists = "CREATE TABLE playlists(id INTEGER PRIMARY KEY, name TEXT NOT NULL)";
    String entries = "CREATE TABLE entries(playlist_id INTEGER NOT NULL REFERENCES playlists(id), track INTEGER NOT"
        + " NULL, PRIMARY KEY (playlist_id, track))";
    List<TestDatabase> all = new java.util.ArrayList<>();
    for (String name : List.of("hub.db", "a.db", "b.db")) {
      TestDatabase db = TestDatabase.create(dir, name, "PRAGMA foreign_keys = ON", playlists, entries);
      db.replica().track("playlists", TrackOptions.DEFAULT.numberedForSync());
      db.replica().track("entries");
      all.add(db);
    }
    try (TestDatabase hub = all.get(0); TestDatabase a = all.get(1); TestDatabase b = all.get(2)) {
      NumberSource numbers = hub.replica().numberSource();
      a.exec("INSERT INTO playlists(name) VALUES ('Ann''s')", "INSERT INTO entries VALUES (1, 5)");
      b.exec("INSERT INTO playlists(name) VALUES ('Bob''s')", "INSERT INTO entries VALUES (1, 5)");

      sync(b, hub, numbers); // Bob's playlist keeps number 1 ...
      sync(a, hub, numbers); // ... Ann's moves to 2, and her entry from (1, 5) to (2, 5)
      sync(b, hub, numbers);

      for (TestDatabase db : List.of(hub, a, b)) {
        assertEquals(List.of(List.of("Ann's", 5L), List.of("Bob's", 5L)), db.query("SELECT p.name, e.track FROM"
            + " entries e JOIN playlists p ON p.id = e.playlist_id ORDER BY p.name"), "both entries on " + db.file());
      }
      assertEquals(hub.replica().merkleRoot(), a.replica().merkleRoot());
      assertEquals(hub.replica().merkleRoot(), b.replica().merkleRoot());
    }
  }

  @Test
  void aCompositeKeyIsNumberedWithinItsPrefix_andARowKeyedByItThatWasDeletedBeforeSettling_deletesNothingElsewhere()
      throws Exception {
    String orders = "CREATE TABLE orders(w INTEGER NOT NULL, d INTEGER NOT NULL, o INTEGER NOT NULL, label TEXT NOT"
        + " NULL, PRIMARY KEY (w, d, o))";
    String newOrders = "CREATE TABLE new_order(w INTEGER NOT NULL, d INTEGER NOT NULL, o INTEGER NOT NULL, PRIMARY KEY"
        + " (w, d, o), FOREIGN KEY (w, d, o) REFERENCES orders(w, d, o))";
    List<TestDatabase> all = new java.util.ArrayList<>();
    for (String name : List.of("hub.db", "a.db", "b.db")) {
      TestDatabase db = TestDatabase.create(dir, name, "PRAGMA foreign_keys = ON", orders, newOrders);
      db.replica().track("orders", TrackOptions.DEFAULT.numberedForSync());
      db.replica().track("new_order");
      all.add(db);
    }
    try (TestDatabase hub = all.get(0); TestDatabase a = all.get(1); TestDatabase b = all.get(2)) {
      NumberSource numbers = hub.replica().numberSource();
      hub.exec("INSERT INTO orders VALUES (1, 2, 1, 'other district')");
      sync(hub, a, numbers);
      sync(hub, b, numbers);
      a.exec("INSERT INTO orders VALUES (1, 1, 1, 'a')", "INSERT INTO new_order VALUES (1, 1, 1)",
          "DELETE FROM new_order WHERE o = 1 AND d = 1"); // delivered before its first sync
      b.exec("INSERT INTO orders VALUES (1, 1, 1, 'b')", "INSERT INTO new_order VALUES (1, 1, 1)");

      sync(b, hub, numbers); // b's order keeps (1, 1, 1): the first of district 1's numbers
      sync(a, hub, numbers); // a's moves to (1, 1, 2)
      sync(b, hub, numbers);

      for (TestDatabase db : List.of(hub, a, b)) {
        assertEquals(List.of(List.of(1L, 1L, "b"), List.of(1L, 2L, "a"), List.of(2L, 1L, "other district")),
            db.query("SELECT d, o, label FROM orders ORDER BY d, o"), "numbered within the district on " + db.file());
        assertEquals(List.of(List.of("b")), db.query("SELECT label FROM new_order n JOIN orders o USING (w, d, o)"),
            "b's order is still to be delivered on " + db.file());
      }
      assertEquals(hub.replica().merkleRoot(), a.replica().merkleRoot());
      assertEquals(hub.replica().merkleRoot(), b.replica().merkleRoot());
    }
  }

  @Test
  void referencesNamedInTheOptions_moveAsDeclaredOnesDo() throws Exception {
    String undeclared = "CREATE TABLE invoices(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, total REAL NOT"
        + " NULL)"; // no REFERENCES: many SQLite schemas declare none
    List<TestDatabase> all = new java.util.ArrayList<>();
    for (String name : List.of("hub.db", "a.db", "b.db")) {
      TestDatabase db = TestDatabase.create(dir, name, CUSTOMERS, undeclared);
      try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + db.file());
          Statement s = c.createStatement()) { // the SQL spelling
        s.execute("SELECT lattice_track('customers', '{\"numbered\": true, \"referencedBy\": {\"invoices\":"
            + " [\"customer_id\"]}}')");
      }
      db.replica().track("invoices", TrackOptions.DEFAULT.numberedForSync());
      all.add(db);
    }
    try (TestDatabase hub = all.get(0); TestDatabase a = all.get(1); TestDatabase b = all.get(2)) {
      NumberSource numbers = hub.replica().numberSource();
      a.exec("INSERT INTO customers(name) VALUES ('Ann')", "INSERT INTO invoices(customer_id, total) VALUES (1, 10)");
      b.exec("INSERT INTO customers(name) VALUES ('Bob')", "INSERT INTO invoices(customer_id, total) VALUES (1, 20)");

      sync(a, hub, numbers);
      sync(b, hub, numbers);
      sync(a, hub, numbers);

      for (TestDatabase db : List.of(hub, a, b)) {
        assertEquals(List.of(List.of("Ann", 10.0), List.of("Bob", 20.0)), db.query("SELECT c.name, i.total FROM"
            + " invoices i JOIN customers c ON c.id = i.customer_id ORDER BY c.name"), "on " + db.file());
      }
    }
  }

  @Test
  void aNamedReferenceIsChecked() throws Exception {
    try (TestDatabase a = TestDatabase.create(dir, "a.db", CUSTOMERS, INVOICES)) {
      for (Object[] refused : new Object[][] {
          {TrackOptions.DEFAULT.referencedBy("invoices", "customer_id"), "it is not numbered"},
          {TrackOptions.DEFAULT.numberedForSync().referencedBy("invoices", "customer_id", "total"), "names 2 column(s)"},
          {TrackOptions.DEFAULT.numberedForSync().referencedBy("invoices", "client_id"), "invoices.client_id, which"
              + " does not exist"},
          {TrackOptions.DEFAULT.numberedForSync().referencedBy("bills", "customer_id"), "bills.customer_id"}}) {
        SQLException e = assertThrows(SQLException.class, () -> a.replica().track("customers", (TrackOptions) refused[0]));
        assertTrue(e.getMessage().contains((String) refused[1]), e.getMessage());
      }
      try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + a.file());
          Statement s = c.createStatement()) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute("SELECT lattice_track('customers',"
            + " '{\"numbered\": true, \"referencedBy\": {\"invoices\": \"customer_id\"}}')"));
        assertTrue(e.getMessage().contains("referencedBy maps a table to the names of its columns"), e.getMessage());
      }
      assertEquals(List.of(), a.replica().trackedTables());
    }
  }

  @Test
  void aBatchBringingOnlyRowsKeyedByANumber_movesTheWaitingRowOfThatNumberFirst() throws Exception {
    String orders = "CREATE TABLE orders(w INTEGER NOT NULL, o INTEGER NOT NULL, label TEXT NOT NULL, PRIMARY KEY (w, o))";
    String lines = "CREATE TABLE lines(w INTEGER NOT NULL, o INTEGER NOT NULL, n INTEGER NOT NULL, amount REAL NOT NULL,"
        + " PRIMARY KEY (w, o, n), FOREIGN KEY (w, o) REFERENCES orders(w, o))";
    List<TestDatabase> all = new java.util.ArrayList<>();
    for (String name : List.of("hub.db", "a.db", "b.db")) {
      TestDatabase db = TestDatabase.create(dir, name, "PRAGMA foreign_keys = ON", orders, lines);
      db.replica().track("orders", TrackOptions.DEFAULT.numberedForSync());
      db.replica().track("lines");
      all.add(db);
    }
    try (TestDatabase hub = all.get(0); TestDatabase a = all.get(1); TestDatabase b = all.get(2)) {
      NumberSource numbers = hub.replica().numberSource();
      a.exec("INSERT INTO orders VALUES (1, 1, 'a')", "INSERT INTO lines VALUES (1, 1, 1, 1.0)");
      // b's lines are logged before its order, so a batch may bring them alone.
      b.exec("BEGIN", "PRAGMA defer_foreign_keys = ON", "INSERT INTO lines VALUES (1, 1, 1, 2.0)",
          "INSERT INTO lines VALUES (1, 1, 2, 3.0)", "INSERT INTO orders VALUES (1, 1, 'b')", "COMMIT");
      sync(b, hub, numbers); // b's order keeps (1, 1)

      try (ChangeBatches batches = hub.replica().batchesSince(a.replica().versionVector(), 1)) {
        ChangeBatch first = batches.next();
        assertTrue(first.changes().stream().allMatch(change -> change.table().equals("lines")), first.toString());
        a.replica().apply(first); // one of b's lines, whose key names order 1, which a's waiting order holds
        for (ChangeBatch batch; (batch = batches.next()) != null; ) {
          a.replica().apply(batch);
        }
      }
      sync(a, hub, numbers);
      sync(b, hub, numbers);

      for (TestDatabase db : List.of(hub, a, b)) {
        assertEquals(List.of(List.of("a", 1.0), List.of("b", 2.0), List.of("b", 3.0)), db.query("SELECT o.label,"
            + " l.amount FROM lines l JOIN orders o USING (w, o) ORDER BY o.label, l.amount"), "on " + db.file());
      }
    }
  }

  @Test
  void twoDevicesInsertingAtOnce_keepBothRows_andEveryInvoiceKeepsItsCustomer() throws Exception {
    try (TestDatabase hub = replica("hub.db"); TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db")) {
      NumberSource numbers = hub.replica().numberSource();
      hub.exec("INSERT INTO customers(name) VALUES ('Ada')");
      sync(hub, a, numbers);
      sync(hub, b, numbers);

      a.exec("INSERT INTO customers(name) VALUES ('Ann')", "INSERT INTO invoices(customer_id, total)"
          + " VALUES (last_insert_rowid(), 10)");
      b.exec("INSERT INTO customers(name) VALUES ('Bob')", "INSERT INTO invoices(customer_id, total)"
          + " VALUES (last_insert_rowid(), 20)");
      assertEquals(a.query("SELECT id FROM customers WHERE name = 'Ann'"),
          b.query("SELECT id FROM customers WHERE name = 'Bob'"), "SQLite gave both the same number");

      sync(a, hub, numbers);
      sync(b, hub, numbers);
      sync(a, hub, numbers);

      for (TestDatabase db : List.of(hub, a, b)) {
        assertEquals(List.of(List.of("Ada"), List.of("Ann"), List.of("Bob")),
            db.query("SELECT name FROM customers ORDER BY name"), "every customer kept on " + db.file());
        assertEquals(List.of(List.of("Ann", 10.0), List.of("Bob", 20.0)), db.query("SELECT c.name, i.total FROM"
            + " invoices i JOIN customers c ON c.id = i.customer_id ORDER BY c.name"), "every invoice on its customer");
        assertEquals(List.of(), db.query("PRAGMA foreign_key_check"));
      }
      assertEquals(invoicesWithCustomers(hub), invoicesWithCustomers(a));
      assertEquals(invoicesWithCustomers(hub), invoicesWithCustomers(b));
      assertEquals(hub.replica().merkleRoot(), a.replica().merkleRoot());
      assertEquals(hub.replica().merkleRoot(), b.replica().merkleRoot());
    }
  }

  @Test
  void settling_movesEachRowOnce_toTheNumbersTheSourceHandsOut_andSaysSo() throws Exception {
    try (TestDatabase hub = replica("hub.db"); TestDatabase a = replica("a.db")) {
      hub.replica().numberSource().allocate("customers", 0, 41); // others were handed 1-41 meanwhile
      a.exec("INSERT INTO customers(name) VALUES ('Ann')", "INSERT INTO customers(name) VALUES ('Amy')",
          "INSERT INTO invoices(customer_id, total) VALUES (2, 5)");

      List<Renumbering> moves = a.replica().settle(hub.replica().numberSource());

      assertEquals(List.of(new Renumbering("customers", 1, 42), new Renumbering("customers", 2, 43)), moves);
      assertEquals(List.of(List.of(42L, "Ann"), List.of(43L, "Amy")), a.query("SELECT id, name FROM customers"
          + " ORDER BY id"));
      assertEquals(List.of(List.of(43L)), a.query("SELECT customer_id FROM invoices"), "the reference followed");
      assertEquals(List.of(), a.replica().settle(hub.replica().numberSource()), "nothing left to settle");
      assertEquals(List.of(List.of(1L, 1L)), a.query("SELECT id, customer_id - 42 FROM invoices"),
          "the invoice kept its number: the first invoice number the source handed out is 1");
    }
  }

  @Test
  void aSettledRowsFirstNumber_neverReachesAPeer_asATombstone() throws Exception {
    try (TestDatabase hub = replica("hub.db"); TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db")) {
      NumberSource numbers = hub.replica().numberSource();
      b.exec("INSERT INTO customers(name) VALUES ('Bob')");
      sync(b, hub, numbers); // Bob is 1 everywhere
      a.exec("INSERT INTO customers(name) VALUES ('Ann')"); // 1 here too, before a has heard of Bob

      a.replica().settle(numbers);
      sync(a, hub, numbers);
      sync(b, hub, numbers);

      for (TestDatabase db : List.of(hub, a, b)) {
        assertEquals(List.of(List.of(1L, "Bob"), List.of(2L, "Ann")), db.query("SELECT id, name FROM customers"
            + " ORDER BY id"), "Ann's move away from 1 deleted nothing on " + db.file());
      }
    }
  }

  @Test
  void aMergeNamingANumberAProvisionalRowHolds_movesThatRowOutOfTheWay_withItsInvoices() throws Exception {
    try (TestDatabase hub = replica("hub.db"); TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db")) {
      NumberSource numbers = hub.replica().numberSource();
      a.exec("INSERT INTO customers(name) VALUES ('Ann')", "INSERT INTO invoices(customer_id, total) VALUES (1, 10)");
      b.exec("INSERT INTO customers(name) VALUES ('Bob')", "INSERT INTO invoices(customer_id, total) VALUES (1, 20)");
      sync(b, hub, numbers); // Bob and his invoice settle at 1

      List<Renumbering> moved = new java.util.ArrayList<>();
      try (ChangeBatches batches = hub.replica().batchesSince(a.replica().versionVector(), 1_000)) {
        for (ChangeBatch batch; (batch = batches.next()) != null; ) {
          moved.addAll(a.replica().apply(batch).renumbered()); // a has not settled: Ann and her invoice still hold 1
        }
      }
      assertEquals(List.of(new Renumbering("customers", 1, -1), new Renumbering("invoices", 1, -1)), moved,
          "the merge says whom it moved");

      // Ann waits below zero, out of the way of the numbers SQLite hands out next.
      assertEquals(List.of(List.of(-1L, "Ann", 10.0), List.of(1L, "Bob", 20.0)), a.query("SELECT c.id, c.name,"
          + " i.total FROM customers c JOIN invoices i ON i.customer_id = c.id ORDER BY c.id"));
      a.exec("INSERT INTO customers(name) VALUES ('Cy')");
      assertEquals(List.of(List.of(2L)), a.query("SELECT id FROM customers WHERE name = 'Cy'"));
      a.replica().settle(numbers);
      sync(a, hub, numbers);
      sync(b, hub, numbers);
      assertEquals(invoicesWithCustomers(hub), invoicesWithCustomers(a));
      assertEquals(invoicesWithCustomers(hub), invoicesWithCustomers(b));
      assertEquals(2, hub.query("SELECT * FROM invoices").size());
    }
  }

  @Test
  void aRowInsertedAndDeletedHere_beforeSettling_doesNotDeleteAPeersRowOfThatNumber() throws Exception {
    try (TestDatabase hub = replica("hub.db"); TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db")) {
      NumberSource numbers = hub.replica().numberSource();
      a.exec("INSERT INTO customers(name) VALUES ('Ann')", "DELETE FROM customers WHERE name = 'Ann'");
      b.exec("INSERT INTO customers(name) VALUES ('Bob')");
      sync(b, hub, numbers); // Bob settles at 1, the number Ann had on a

      try (ChangeBatches batches = hub.replica().batchesSince(a.replica().versionVector(), 1_000)) {
        for (ChangeBatch batch; (batch = batches.next()) != null; ) {
          a.replica().apply(batch); // a has not settled: Ann's tombstone at 1 is still there
        }
      }
      assertEquals(List.of(List.of(1L, "Bob")), a.query("SELECT id, name FROM customers"),
          "a tombstone that never left this replica does not delete the peer's row");
      sync(a, hub, numbers);

      for (TestDatabase db : List.of(hub, a, b)) {
        assertEquals(List.of(List.of(1L, "Bob")), db.query("SELECT id, name FROM customers"), "on " + db.file());
      }
    }
  }

  @Test
  void aTableReferencingItself_keepsItsReferences_whenItsRowsMove() throws Exception {
    try (TestDatabase a = TestDatabase.create(dir, "a.db", "PRAGMA foreign_keys = ON", "CREATE TABLE employees(id"
        + " INTEGER PRIMARY KEY, name TEXT NOT NULL, boss INTEGER REFERENCES employees(id))")) {
      a.replica().track("employees", TrackOptions.DEFAULT.numberedForSync());
      a.exec("INSERT INTO employees(name) VALUES ('Ada')", "INSERT INTO employees(name, boss) VALUES ('Bo', 1)",
          "INSERT INTO employees(name, boss) VALUES ('Cy', 2)");
      NumberSource numbers = a.replica().numberSource();
      numbers.allocate("employees", 0, 1); // 1 went to another device: every row moves up by one, onto the next's

      a.replica().settle(numbers);

      assertEquals(List.of(Arrays.asList(2L, "Ada", null), List.of(3L, "Bo", 2L), List.of(4L, "Cy", 3L)),
          a.query("SELECT id, name, boss FROM employees ORDER BY id"));
      assertEquals(List.of(), a.query("PRAGMA foreign_key_check"));
    }
  }

  @Test
  void rowsAnotherWriterInserts_areProvisionalToo() throws Exception {
    try (TestDatabase hub = replica("hub.db"); TestDatabase a = replica("a.db")) {
      hub.exec("INSERT INTO customers(name) VALUES ('Hal')");
      try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + a.file());
          Statement s = plain.createStatement()) {
        s.execute("INSERT INTO customers(name) VALUES ('Ann')"); // as the sqlite3 shell would
      }
      sync(hub, a, hub.replica().numberSource());
      assertEquals(List.of(List.of(1L, "Hal"), List.of(2L, "Ann")), a.query("SELECT id, name FROM customers"
          + " ORDER BY id"));
    }
  }

  @Test
  void readingChangesToSend_beforeSettling_isRefused_withWhatToDo() throws Exception {
    try (TestDatabase a = replica("a.db")) {
      a.exec("INSERT INTO customers(name) VALUES ('Ann')");
      SQLException e = assertThrows(SQLException.class,
          () -> a.replica().batchesSince(VersionVector.empty(), 1_000).close());
      assertTrue(e.getMessage().contains("1 row was inserted here into numbered tables")
          && e.getMessage().contains("Replica.settle"), e.getMessage());
      assertThrows(SQLException.class, () -> a.replica().changesSince(VersionVector.empty()).close());
    }
  }

  @Test
  void getGeneratedKeys_andLastInsertRowid_tellTheNumberSqliteGave_notTheTriggersRows() throws Exception {
    try (TestDatabase a = replica("a.db")) {
      a.exec("INSERT INTO customers(name) VALUES ('Ann'), ('Amy'), ('Abe')", "DELETE FROM customers WHERE id > 1");
    }
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve("a.db"));
        PreparedStatement insert = c.prepareStatement("INSERT INTO customers(name) VALUES ('Bea')",
            Statement.RETURN_GENERATED_KEYS)) {
      insert.executeUpdate(); // the triggers have just written log row 6 or later, and a provisional record
      try (ResultSet keys = insert.getGeneratedKeys()) {
        assertTrue(keys.next());
        assertEquals(2L, keys.getLong(1));
      }
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT last_insert_rowid()")) {
        assertTrue(r.next());
        assertEquals(2L, r.getLong(1));
      }
    }
  }

  @Test
  void sqlSpelling_numbersATable_andPeersSeeItInTheSchema() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve("sql.db"));
        Statement s = c.createStatement()) {
      s.execute(CUSTOMERS);
      s.execute("SELECT lattice_track('customers', '{\"numbered\": true}')");
      TrackedSchema.Table customers = Replica.of(c).schema().tables().get("customers");
      assertTrue(customers.numbered());
      assertEquals("customers(key id; name; numbered)\n", Replica.of(c).schema().describe());
      SQLException e = assertThrows(SQLException.class,
          () -> s.execute("SELECT lattice_track('customers', '{\"numbered\": false}')"));
      assertTrue(e.getMessage().contains("it was tracked numbered for sync"), e.getMessage());
    }
  }

  @Test
  void onlyAnIntegerKey_orACompositeKeyEndingInAnInteger_canBeNumbered() throws Exception {
    try (TestDatabase a = TestDatabase.create(dir, "a.db", "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body)",
        "CREATE TABLE tags(note INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (note, tag))",
        "CREATE TABLE lines(invoice INTEGER NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (invoice, line))")) {
      for (String table : List.of("notes", "tags")) {
        SQLException e = assertThrows(SQLException.class,
            () -> a.replica().track(table, TrackOptions.DEFAULT.numberedForSync()));
        assertTrue(e.getMessage().contains("only a table keyed by one INTEGER PRIMARY KEY column, or by a composite"
            + " key whose last column is an INTEGER"), e.getMessage());
      }
      assertEquals(List.of(List.of(2L)), a.query("SELECT count(*) FROM sqlite_schema WHERE name IN ('notes', 'tags')"));
      a.replica().track("lines", TrackOptions.DEFAULT.numberedForSync());
      assertTrue(a.replica().schema().tables().get("lines").numbered());
    }
  }
}
