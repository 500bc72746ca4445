package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * TPC-C's tables, keyed as the benchmark keys them: customers numbered within their district
 * {@code (c_w_id, c_d_id, c_id)}, orders too {@code (o_w_id, o_d_id, o_id)}, with the order number taken from the
 * district's {@code d_next_o_id} as the New-Order transaction does, and new orders and order lines keyed by their order's
 * key. Three replicas run New-Order, new customers, Delivery and Payment at once and sync in random pairs, settling
 * through replica 0, or receive a peer's changes before settling their own. After a final round of syncs every replica
 * holds the same rows, every order any replica entered is there once with its customer, its lines and (until
 * delivered) its new-order row, each district's {@code d_next_o_id} counts every order entered in it, and vectors and
 * Merkle roots are equal.
 */
class TpccNumberingProperties {
  static final String[] SCHEMA = {
    "PRAGMA foreign_keys = ON",
    "CREATE TABLE district(d_w_id INTEGER NOT NULL, d_id INTEGER NOT NULL, d_name TEXT NOT NULL, d_next_o_id INTEGER"
        + " NOT NULL, d_ytd REAL NOT NULL DEFAULT 0, PRIMARY KEY (d_w_id, d_id))",
    "CREATE TABLE customer(c_w_id INTEGER NOT NULL, c_d_id INTEGER NOT NULL, c_id INTEGER NOT NULL, c_last TEXT NOT"
        + " NULL, c_balance REAL NOT NULL DEFAULT 0, PRIMARY KEY (c_w_id, c_d_id, c_id), FOREIGN KEY (c_w_id, c_d_id)"
        + " REFERENCES district(d_w_id, d_id))",
    "CREATE TABLE orders(o_w_id INTEGER NOT NULL, o_d_id INTEGER NOT NULL, o_id INTEGER NOT NULL, o_c_id INTEGER NOT"
        + " NULL, o_entry_d TEXT NOT NULL, o_carrier_id INTEGER, o_ol_cnt INTEGER NOT NULL, PRIMARY KEY (o_w_id, o_d_id,"
        + " o_id), FOREIGN KEY (o_w_id, o_d_id, o_c_id) REFERENCES customer(c_w_id, c_d_id, c_id))",
    "CREATE TABLE new_order(no_w_id INTEGER NOT NULL, no_d_id INTEGER NOT NULL, no_o_id INTEGER NOT NULL, PRIMARY KEY"
        + " (no_w_id, no_d_id, no_o_id), FOREIGN KEY (no_w_id, no_d_id, no_o_id) REFERENCES orders(o_w_id, o_d_id,"
        + " o_id))",
    "CREATE TABLE order_line(ol_w_id INTEGER NOT NULL, ol_d_id INTEGER NOT NULL, ol_o_id INTEGER NOT NULL, ol_number"
        + " INTEGER NOT NULL, ol_i_id INTEGER NOT NULL, ol_amount REAL NOT NULL, PRIMARY KEY (ol_w_id, ol_d_id, ol_o_id,"
        + " ol_number), FOREIGN KEY (ol_w_id, ol_d_id, ol_o_id) REFERENCES orders(o_w_id, o_d_id, o_id))",
  };
  static final List<String> TABLES = List.of("district", "customer", "orders", "new_order", "order_line");
  static final int DISTRICTS = 2;
  static final int FIRST_ORDERS = 3;

  sealed interface Action {}

  /** TPC-C's New-Order in district {@code district}, for one of its three newest customers, with 1 to 3 lines. */
  record NewOrder(int at, int district, int pick, int lines) implements Action {}

  /** A customer numbered as the application numbers them: one above the district's highest. */
  record NewCustomer(int at, int district) implements Action {}

  /** TPC-C's Delivery in one district: its oldest new order is delivered (its new-order row deleted). */
  record Delivery(int at, int district) implements Action {}

  record Payment(int at, int district, int pick, int cents) implements Action {}

  record Sync(int a, int b) implements Action {}

  /** {@code to} receives what {@code from} has (settled first), while its own new rows are not settled yet. */
  record Deliver(int from, int to) implements Action {}

  private Path dir;
  private List<TestDatabase> replicas;
  private int entered;
  /** Per order's label, its customer's label and how many lines it has; per district, the orders entered in it. */
  private Map<String, String> orderCustomer;
  private Map<String, Integer> orderLines;
  private Map<Integer, Integer> ordersIn;
  private List<String> newCustomers;
  private int notEntered;
  /** The labels of the orders entered and not delivered: those that must keep their new-order row. */
  private java.util.Set<String> undelivered;

  @BeforeTry
  void setUp() throws Exception {
    dir = Files.createTempDirectory("lattice-tpcc-numbering");
    replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      TestDatabase db = TestDatabase.create(dir, i + ".db", SCHEMA);
      if (i == 0) { // a loaded TPC-C database, which the other devices take on their first sync
        for (int d = 1; d <= DISTRICTS; d++) {
          db.exec("INSERT INTO district VALUES (1, " + d + ", 'd" + d + "', " + (FIRST_ORDERS + 1) + ", 0)");
          for (int c = 1; c <= 3; c++) {
            db.exec("INSERT INTO customer VALUES (1, " + d + ", " + c + ", 'first " + d + "-" + c + "', 0)");
          }
          for (int o = 1; o <= FIRST_ORDERS; o++) {
            db.exec("INSERT INTO orders VALUES (1, " + d + ", " + o + ", 1, 'first " + d + "-" + o + "', NULL, 1)",
                "INSERT INTO new_order VALUES (1, " + d + ", " + o + ")",
                "INSERT INTO order_line VALUES (1, " + d + ", " + o + ", 1, 7, 1.5)");
          }
        }
      }
      db.replica().track("district", TrackOptions.counters("d_next_o_id", "d_ytd"));
      db.replica().track("customer", TrackOptions.counters("c_balance").numberedForSync());
      db.replica().track("orders", TrackOptions.DEFAULT.numberedForSync());
      db.replica().track("new_order");
      db.replica().track("order_line");
      replicas.add(db);
      if (i > 0) {
        db.replica().syncWith(replicas.get(0).replica());
      }
    }
    entered = 0;
    orderCustomer = new HashMap<>();
    orderLines = new HashMap<>();
    ordersIn = new TreeMap<>();
    newCustomers = new ArrayList<>();
    undelivered = new java.util.TreeSet<>();
    for (int d = 1; d <= DISTRICTS; d++) {
      for (int o = 1; o <= FIRST_ORDERS; o++) {
        undelivered.add("first " + d + "-" + o);
      }
    }
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
    Arbitrary<Integer> district = Arbitraries.integers().between(1, DISTRICTS);
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 2);
    return Arbitraries.frequencyOf(List.of(
        weighted(5, Combinators.combine(replica, district, pick, Arbitraries.integers().between(1, 3))
            .as(NewOrder::new)),
        weighted(2, Combinators.combine(replica, district).as(NewCustomer::new)),
        weighted(2, Combinators.combine(replica, district).as(Delivery::new)),
        weighted(1, Combinators.combine(replica, district, pick, Arbitraries.integers().between(1, 9_999))
            .as(Payment::new)),
        weighted(3, Combinators.combine(replica, replica).as(Sync::new)),
        weighted(2, Combinators.combine(replica, replica).as(Deliver::new))))
        .list().ofMinSize(5).ofMaxSize(40);
  }

  private static Tuple.Tuple2<Integer, Arbitrary<Action>> weighted(int weight, Arbitrary<? extends Action> action) {
    return Tuple.of(weight, action.map(a -> (Action) a));
  }

  @Property(tries = 40)
  void everyOrderKept_withItsCustomerLinesAndNewOrderRow_andTheReplicasConverge(
      @ForAll("actions") List<Action> actions) throws Exception {
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
        assertEquals(first.query("SELECT * FROM " + table + " ORDER BY 1, 2, 3"), db.query("SELECT * FROM " + table
            + " ORDER BY 1, 2, 3"), table + " on " + db.file());
      }
      assertEquals(List.of(), db.query("PRAGMA foreign_key_check"), "every reference intact on " + db.file());
      assertEquals(first.replica().versionVector(), db.replica().versionVector());
      assertEquals(first.replica().merkleRoot(), db.replica().merkleRoot());
    }
    Map<String, String> customers = new HashMap<>();
    Map<String, Integer> lines = new HashMap<>();
    for (List<Object> order : first.query("SELECT o.o_entry_d, c.c_last, (SELECT count(*) FROM order_line l WHERE"
        + " l.ol_w_id = o.o_w_id AND l.ol_d_id = o.o_d_id AND l.ol_o_id = o.o_id) FROM orders o JOIN customer c ON"
        + " c.c_w_id = o.o_w_id AND c.c_d_id = o.o_d_id AND c.c_id = o.o_c_id WHERE o.o_entry_d LIKE 'new %'")) {
      customers.put((String) order.get(0), (String) order.get(1));
      lines.put((String) order.get(0), ((Number) order.get(2)).intValue());
    }
    assertEquals(orderCustomer, customers, "every new order once, on the customer it was entered for");
    assertEquals(orderLines, lines, "every new order with all its lines");
    assertEquals(undelivered, new java.util.TreeSet<>(column(first, "SELECT o.o_entry_d FROM new_order n JOIN orders o"
        + " ON o.o_w_id = n.no_w_id AND o.o_d_id = n.no_d_id AND o.o_id = n.no_o_id")),
        "every order not delivered keeps its new-order row, and no other does");
    assertEquals(newCustomers.size(), first.query("SELECT 1 FROM customer WHERE c_last LIKE 'new %'").size(),
        "every new customer once");
    for (int d = 1; d <= DISTRICTS; d++) {
      assertEquals(List.of(List.of((long) FIRST_ORDERS + 1 + ordersIn.getOrDefault(d, 0))),
          first.query("SELECT d_next_o_id FROM district WHERE d_id = ?", d), "district " + d + " counts its orders");
      assertEquals(List.of(), first.query("SELECT o_id FROM orders WHERE o_d_id = ? AND o_id >= (SELECT d_next_o_id"
          + " FROM district WHERE d_id = ?)", d, d), "no order numbered beyond its district's count");
    }
  }

  private void run(Action action) throws SQLException {
    if (action instanceof NewOrder n) {
      TestDatabase db = replicas.get(n.at());
      List<List<Object>> newest = db.query("SELECT c_id, c_last FROM customer WHERE c_w_id = 1 AND c_d_id = ? ORDER"
          + " BY c_id DESC LIMIT 3", n.district());
      List<Object> customer = newest.get(n.pick() % newest.size());
      String label = "new " + (++entered);
      long next = (Long) db.query("SELECT d_next_o_id FROM district WHERE d_w_id = 1 AND d_id = ?", n.district())
          .get(0).get(0);
      List<String> tx = new ArrayList<>(List.of("BEGIN",
          "UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = 1 AND d_id = " + n.district(),
          "INSERT INTO orders VALUES (1, " + n.district() + ", " + next + ", " + customer.get(0) + ", '" + label
              + "', NULL, " + n.lines() + ")",
          "INSERT INTO new_order VALUES (1, " + n.district() + ", " + next + ")"));
      for (int line = 1; line <= n.lines(); line++) {
        tx.add("INSERT INTO order_line VALUES (1, " + n.district() + ", " + next + ", " + line + ", " + (100 + line)
            + ", " + line + ".25)");
      }
      tx.add("COMMIT");
      try {
        db.exec(tx.toArray(String[]::new));
      } catch (SQLException e) {
        // The district's count has not caught up yet with an order another device entered, which arrived in an
        // earlier batch than the count's increment: the number is taken, as under concurrent writers. The
        // transaction fails whole; the application enters the order again later.
        db.exec("ROLLBACK");
        if (!e.getMessage().contains("UNIQUE constraint failed: orders")) {
          throw e;
        }
        notEntered++;
        return;
      }
      orderCustomer.put(label, (String) customer.get(1));
      undelivered.add(label);
      orderLines.put(label, n.lines());
      ordersIn.merge(n.district(), 1, Integer::sum);
    } else if (action instanceof NewCustomer n) {
      String label = "new " + (++entered);
      replicas.get(n.at()).exec("INSERT INTO customer SELECT 1, " + n.district() + ", coalesce(max(c_id), 0) + 1, '"
          + label + "', 0 FROM customer WHERE c_w_id = 1 AND c_d_id = " + n.district());
      newCustomers.add(label);
    } else if (action instanceof Delivery d) {
      TestDatabase db = replicas.get(d.at());
      db.query("SELECT o_entry_d FROM orders WHERE o_w_id = 1 AND o_d_id = ? AND o_id = (SELECT min(no_o_id) FROM"
          + " new_order WHERE no_w_id = 1 AND no_d_id = ?)", d.district(), d.district())
          .forEach(order -> undelivered.remove((String) order.get(0)));
      db.exec("BEGIN",
          "UPDATE orders SET o_carrier_id = 1 WHERE o_w_id = 1 AND o_d_id = " + d.district() + " AND o_id = (SELECT"
              + " min(no_o_id) FROM new_order WHERE no_w_id = 1 AND no_d_id = " + d.district() + ")",
          "DELETE FROM new_order WHERE no_w_id = 1 AND no_d_id = " + d.district() + " AND no_o_id = (SELECT"
              + " min(no_o_id) FROM new_order WHERE no_w_id = 1 AND no_d_id = " + d.district() + ")",
          "COMMIT");
    } else if (action instanceof Payment p) {
      replicas.get(p.at()).exec("UPDATE customer SET c_balance = c_balance - " + p.cents() / 100.0 + " WHERE c_w_id = 1"
          + " AND c_d_id = " + p.district() + " AND c_id = (SELECT c_id FROM customer WHERE c_w_id = 1 AND c_d_id = "
          + p.district() + " ORDER BY c_id DESC LIMIT 1 OFFSET " + p.pick() % 3 + ")",
          "UPDATE district SET d_ytd = d_ytd + " + p.cents() / 100.0 + " WHERE d_w_id = 1 AND d_id = " + p.district());
    } else if (action instanceof Sync s) {
      sync(s.a(), s.b());
    } else if (action instanceof Deliver d) {
      new SettlingReplicas(replicas).deliver(d.from(), d.to());
    }
  }

  /** Replica 0 serves the others: the space's one number source. */
  private void sync(int a, int b) throws SQLException {
    new SettlingReplicas(replicas).sync(a, b);
  }

  private static List<Object> column(TestDatabase db, String sql) throws SQLException {
    List<Object> out = new ArrayList<>();
    db.query(sql).forEach(row -> out.add(row.get(0)));
    return out;
  }
}
