package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Chinook's customers, invoices and invoice lines, keyed by numbers SQLite assigns, edited on three replicas at once:
 * each inserts customers, invoices of new or existing customers and lines of new or existing invoices, and edits
 * totals, while the replicas sync in random pairs, settling through replica 0 (the device that serves the others), or
 * receive a peer's changes before settling their own. After a final round of syncs every replica holds the same rows
 * under the same numbers, every row any replica inserted is there once, every invoice is on the customer it was made
 * for and every line on its invoice, and vectors and Merkle roots are equal.
 */
class ChinookNumberingProperties {
  static final List<String> TABLES = List.of("Customer", "Invoice", "InvoiceLine");

  sealed interface Action {}

  record NewCustomer(int at) implements Action {}

  /** An invoice for one of the three newest customers replica {@code at} holds ({@code pick} chooses). */
  record NewInvoice(int at, int pick) implements Action {}

  /** A line on one of the three newest invoices replica {@code at} holds. */
  record NewLine(int at, int pick) implements Action {}

  record EditTotal(int at, int pick, int cents) implements Action {}

  /** Both settle, then sync both ways. */
  record Sync(int a, int b) implements Action {}

  /** {@code to} receives what {@code from} has (settled first), while its own new rows are not settled yet. */
  record Deliver(int from, int to) implements Action {}

  private Path dir;
  private List<TestDatabase> replicas;
  private int inserted;
  /** Per new invoice's label, the customer it was made for; per new line's quantity, its invoice. */
  private Map<String, String> invoiceCustomer;
  private Map<Long, String> lineInvoice;
  private List<String> newCustomers;

  @BeforeTry
  void setUp() throws Exception {
    dir = Files.createTempDirectory("lattice-chinook-numbering");
    Path original = ChinookTest.copyOfChinook(dir);
    replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Files.copy(original, dir.resolve(i + ".db"));
      TestDatabase db = TestDatabase.create(dir, i + ".db", "PRAGMA foreign_keys = ON");
      for (String table : TABLES) {
        db.replica().track(table, TrackOptions.DEFAULT.numberedForSync());
      }
      replicas.add(db);
    }
    inserted = 0;
    invoiceCustomer = new HashMap<>();
    lineInvoice = new HashMap<>();
    newCustomers = new ArrayList<>();
  }

  @AfterTry
  void tearDown() throws Exception {
    for (TestDatabase db : replicas) {
      db.close();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> replica = Arbitraries.integers().between(0, 2);
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 2);
    return Arbitraries.frequencyOf(List.of(
        Tuple(3, replica.map(NewCustomer::new)),
        Tuple(4, Combinators.combine(replica, pick).as(NewInvoice::new)),
        Tuple(4, Combinators.combine(replica, pick).as(NewLine::new)),
        Tuple(1, Combinators.combine(replica, pick, Arbitraries.integers().between(1, 9_999)).as(EditTotal::new)),
        Tuple(3, Combinators.combine(replica, replica).as(Sync::new)),
        Tuple(2, Combinators.combine(replica, replica).as(Deliver::new))))
        .list().ofMinSize(1).ofMaxSize(40);
  }

  private static net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<Action>> Tuple(int weight,
      Arbitrary<? extends Action> action) {
    return net.jqwik.api.Tuple.of(weight, action.map(a -> (Action) a));
  }

  @Property(tries = 40)
  void everyRowKept_everyReferenceIntact_andTheReplicasConverge(@ForAll("actions") List<Action> actions)
      throws Exception {
    for (Action action : actions) {
      run(action);
    }
    for (int round = 0; round < 2; round++) {
      sync(1, 0);
      sync(2, 0);
    }
    TestDatabase first = replicas.get(0);
    for (TestDatabase db : replicas) {
      for (String table : TABLES) {
        assertEquals(first.query("SELECT * FROM " + table + " ORDER BY 1"), db.query("SELECT * FROM " + table
            + " ORDER BY 1"), table + " on " + db.file());
      }
      assertEquals(first.replica().versionVector(), db.replica().versionVector());
      assertEquals(first.replica().merkleRoot(), db.replica().merkleRoot());
    }
    assertEquals(new TreeSet<>(newCustomers), new TreeSet<>(column(first, "SELECT LastName FROM Customer"
        + " WHERE LastName LIKE 'new %'")), "every new customer, once");
    assertEquals(newCustomers.size(), column(first, "SELECT LastName FROM Customer WHERE LastName LIKE 'new %'")
        .size());
    for (List<Object> invoice : first.query("SELECT i.BillingAddress, " + customer("c") + " FROM Invoice i"
        + " JOIN Customer c ON c.CustomerId = i.CustomerId WHERE i.BillingAddress LIKE 'new %'")) {
      assertEquals(invoiceCustomer.get((String) invoice.get(0)), invoice.get(1), "the customer of " + invoice.get(0));
    }
    assertEquals(invoiceCustomer.size(), first.query("SELECT 1 FROM Invoice WHERE BillingAddress LIKE 'new %'")
        .size(), "every new invoice, once, on an existing customer");
    for (List<Object> line : first.query("SELECT l.Quantity, " + invoice("i") + " FROM InvoiceLine l"
        + " JOIN Invoice i ON i.InvoiceId = l.InvoiceId WHERE l.Quantity >= 1000000")) {
      assertEquals(lineInvoice.get((Long) line.get(0)), line.get(1), "the invoice of line " + line.get(0));
    }
    assertEquals(lineInvoice.size(), first.query("SELECT 1 FROM InvoiceLine WHERE Quantity >= 1000000").size(),
        "every new line, once, on an existing invoice");
  }

  /** A customer as the test names it: a new one by its label, one of Chinook's by its number (which never moves). */
  private static String customer(String alias) {
    return "CASE WHEN " + alias + ".LastName LIKE 'new %' THEN " + alias + ".LastName ELSE 'chinook ' || " + alias
        + ".CustomerId END";
  }

  private static String invoice(String alias) {
    return "CASE WHEN " + alias + ".BillingAddress LIKE 'new %' THEN " + alias + ".BillingAddress ELSE 'chinook ' || "
        + alias + ".InvoiceId END";
  }

  private void run(Action action) throws SQLException {
    if (action instanceof NewCustomer n) {
      String label = "new " + (++inserted);
      replicas.get(n.at()).exec("INSERT INTO Customer(FirstName, LastName, Email) VALUES ('A', '" + label
          + "', 'a@example.com')");
      newCustomers.add(label);
    } else if (action instanceof NewInvoice n) {
      TestDatabase db = replicas.get(n.at());
      List<List<Object>> newest = db.query("SELECT c.CustomerId, " + customer("c") + " FROM Customer c"
          + " ORDER BY c.CustomerId DESC LIMIT 3");
      List<Object> chosen = newest.get(n.pick() % newest.size());
      String label = "new " + (++inserted);
      db.exec("INSERT INTO Invoice(CustomerId, InvoiceDate, BillingAddress, Total) VALUES (" + chosen.get(0)
          + ", '2026-12-06', '" + label + "', 1.00)");
      invoiceCustomer.put(label, (String) chosen.get(1));
    } else if (action instanceof NewLine n) {
      TestDatabase db = replicas.get(n.at());
      List<List<Object>> newest = db.query("SELECT i.InvoiceId, " + invoice("i") + " FROM Invoice i"
          + " ORDER BY i.InvoiceId DESC LIMIT 3");
      List<Object> chosen = newest.get(n.pick() % newest.size());
      long quantity = 1_000_000 + (++inserted);
      db.exec("INSERT INTO InvoiceLine(InvoiceId, TrackId, UnitPrice, Quantity) VALUES (" + chosen.get(0)
          + ", 1, 0.99, " + quantity + ")");
      lineInvoice.put(quantity, (String) chosen.get(1));
    } else if (action instanceof EditTotal e) {
      replicas.get(e.at()).exec("UPDATE Invoice SET Total = " + e.cents() / 100.0 + " WHERE InvoiceId = (SELECT"
          + " InvoiceId FROM Invoice ORDER BY InvoiceId DESC LIMIT 1 OFFSET " + e.pick() + ")");
    } else if (action instanceof Sync s) {
      sync(s.a(), s.b());
    } else if (action instanceof Deliver d && d.from() != d.to()) {
      Replica from = replicas.get(d.from()).replica();
      Replica to = replicas.get(d.to()).replica();
      from.settle(numbers());
      try (ChangeBatches batches = from.batchesSince(to.versionVector(), 50)) {
        for (ChangeBatch batch; (batch = batches.next()) != null; ) {
          to.apply(batch);
        }
      }
    }
  }

  private void sync(int a, int b) throws SQLException {
    if (a == b) {
      return;
    }
    replicas.get(a).replica().settle(numbers());
    replicas.get(b).replica().settle(numbers());
    replicas.get(a).replica().syncWith(replicas.get(b).replica());
  }

  /** Replica 0 serves the others: the space's one number source. */
  private NumberSource numbers() {
    return replicas.get(0).replica().numberSource();
  }

  private static List<Object> column(TestDatabase db, String sql) throws SQLException {
    List<Object> out = new ArrayList<>();
    db.query(sql).forEach(row -> out.add(row.get(0)));
    return out;
  }
}
