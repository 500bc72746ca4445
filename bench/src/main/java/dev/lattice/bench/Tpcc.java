package dev.lattice.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A TPC-C-like workload, scaled down to load in seconds and to keep every transaction at 1 to 10 statements.
 *
 * <p>Tables as TPC-C has them (warehouse, district, customer, history, orders, new_order, order_line, item, stock),
 * with TPC-C's composite primary keys, declared {@code NOT NULL}, the application supplying every key (single-column
 * keys are {@code INT}, not {@code INTEGER}, so they are not rowid aliases SQLite would number). {@code history} has
 * no primary key, as in TPC-C: Lattice refuses to track it, so it stays untracked on every side.
 *
 * <p>Scale per warehouse: 10 districts, {@code customers} customers per district (TPC-C: 3,000), {@code items} items
 * and their stock (TPC-C: 100,000), one initial order per customer with 5-15 lines, the newest 30 % undelivered.
 *
 * <p>Transactions, in TPC-C's mix; a transaction that writes begins with a write ({@code UPDATE ... RETURNING}), as an
 * application on SQLite does so that its deferred transaction takes the write lock, waiting for it, before reading:
 *
 * <ul>
 *   <li>new-order 45 %: 1-2 order lines (TPC-C: 5-15), 7-10 statements: district's next order id, customer and
 *       warehouse, order, new-order, then per line the item, the stock update and the line;
 *   <li>payment 43 %: warehouse and district year-to-date, the customer by last name (60 %) or id, the customer's
 *       balance (and data, for bad credit), a history row; 4-5 statements;
 *   <li>order-status 4 %: customer by name or id, the last order, its lines; 2-3 statements, read-only;
 *   <li>delivery 4 %: the oldest undelivered order of one district (TPC-C: all ten in one transaction), its carrier,
 *       its lines' delivery date, the customer's balance; 4 statements (1 when none is left);
 *   <li>stock-level 4 %: the district's next order id, then the items of its last 20 orders with low stock;
 *       2 statements, read-only.
 * </ul>
 */
final class Tpcc implements TxWorkload {
  static final int DISTRICTS = 10;
  private static final String[] SYLLABLES = {"BAR", "OUGHT", "ABLE", "PRI", "PRES", "ESE", "ANTI", "CALLY", "ATION",
      "EING"};
  /** NURand's run-time constants (TPC-C 2.1.6): any fixed values in range do. */
  private static final int C_LAST = 123;
  private static final int C_ID = 259;
  private static final int C_ITEM = 7_911;
  private static final int LINES_MIN = 1;
  private static final int LINES_MAX = 2;

  static final int NEW_ORDER = 0;
  static final int PAYMENT = 1;
  static final int ORDER_STATUS = 2;
  static final int DELIVERY = 3;
  static final int STOCK_LEVEL = 4;

  private static final String[] DDL = {
    "CREATE TABLE warehouse(w_id INT NOT NULL PRIMARY KEY, w_name TEXT, w_street_1 TEXT, w_street_2 TEXT,"
        + " w_city TEXT, w_state TEXT, w_zip TEXT, w_tax REAL, w_ytd REAL)",
    "CREATE TABLE district(d_w_id INT NOT NULL, d_id INT NOT NULL, d_name TEXT, d_street_1 TEXT, d_street_2 TEXT,"
        + " d_city TEXT, d_state TEXT, d_zip TEXT, d_tax REAL, d_ytd REAL, d_next_o_id INT,"
        + " PRIMARY KEY (d_w_id, d_id))",
    "CREATE TABLE customer(c_w_id INT NOT NULL, c_d_id INT NOT NULL, c_id INT NOT NULL, c_first TEXT, c_middle TEXT,"
        + " c_last TEXT, c_street_1 TEXT, c_street_2 TEXT, c_city TEXT, c_state TEXT, c_zip TEXT, c_phone TEXT,"
        + " c_since INT, c_credit TEXT, c_credit_lim REAL, c_discount REAL, c_balance REAL, c_ytd_payment REAL,"
        + " c_payment_cnt INT, c_delivery_cnt INT, c_data TEXT, PRIMARY KEY (c_w_id, c_d_id, c_id))",
    "CREATE INDEX customer_by_name ON customer(c_w_id, c_d_id, c_last, c_first)",
    // As in TPC-C: no primary key. Lattice refuses it; the bench prints the refusal and leaves it untracked.
    "CREATE TABLE history(h_c_id INT, h_c_d_id INT, h_c_w_id INT, h_d_id INT, h_w_id INT, h_date INT,"
        + " h_amount REAL, h_data TEXT)",
    "CREATE TABLE orders(o_w_id INT NOT NULL, o_d_id INT NOT NULL, o_id INT NOT NULL, o_c_id INT, o_entry_d INT,"
        + " o_carrier_id INT, o_ol_cnt INT, o_all_local INT, PRIMARY KEY (o_w_id, o_d_id, o_id))",
    "CREATE INDEX orders_by_customer ON orders(o_w_id, o_d_id, o_c_id, o_id)",
    "CREATE TABLE new_order(no_w_id INT NOT NULL, no_d_id INT NOT NULL, no_o_id INT NOT NULL,"
        + " PRIMARY KEY (no_w_id, no_d_id, no_o_id))",
    "CREATE TABLE order_line(ol_w_id INT NOT NULL, ol_d_id INT NOT NULL, ol_o_id INT NOT NULL,"
        + " ol_number INT NOT NULL, ol_i_id INT, ol_supply_w_id INT, ol_delivery_d INT, ol_quantity INT,"
        + " ol_amount REAL, ol_dist_info TEXT, PRIMARY KEY (ol_w_id, ol_d_id, ol_o_id, ol_number))",
    "CREATE TABLE item(i_id INT NOT NULL PRIMARY KEY, i_im_id INT, i_name TEXT, i_price REAL, i_data TEXT)",
    "CREATE TABLE stock(s_w_id INT NOT NULL, s_i_id INT NOT NULL, s_quantity INT, s_dist_01 TEXT, s_dist_02 TEXT,"
        + " s_dist_03 TEXT, s_dist_04 TEXT, s_dist_05 TEXT, s_dist_06 TEXT, s_dist_07 TEXT, s_dist_08 TEXT,"
        + " s_dist_09 TEXT, s_dist_10 TEXT, s_ytd INT, s_order_cnt INT, s_remote_cnt INT, s_data TEXT,"
        + " PRIMARY KEY (s_w_id, s_i_id))",
  };

  private final int warehouses;
  private final int customers;
  private final int items;

  Tpcc(int warehouses, int customers, int items) {
    this.warehouses = warehouses;
    this.customers = customers;
    this.items = items;
  }

  @Override
  public String name() {
    return "tpcc";
  }

  @Override
  public String base() {
    return "tpcc";
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "tpcc: %d warehouse(s) x %d districts, %,d customers/district, %,d items;"
        + " new-order 45%% (%d-%d lines, 7-10 statements), payment 43%% (4-5), order-status 4%% (2-3), delivery 4%%"
        + " (one district, 4), stock-level 4%% (2); history untracked (no primary key)", warehouses, DISTRICTS,
        customers, items, LINES_MIN, LINES_MAX);
  }

  @Override
  public List<String> trackedTables() {
    return List.of("warehouse", "district", "customer", "orders", "new_order", "order_line", "item", "stock");
  }

  @Override
  public List<String> countedTables() {
    return List.of("orders", "new_order", "order_line", "history");
  }

  @Override
  public List<String> types() {
    return List.of("new-order", "payment", "order-status", "delivery", "stock-level");
  }

  /** The table without a primary key whose refusal the bench prints. */
  static String untrackable() {
    return "history";
  }

  static String lastName(int n) {
    return SYLLABLES[n / 100] + SYLLABLES[(n / 10) % 10] + SYLLABLES[n % 10];
  }

  /** TPC-C's non-uniform random number in [x, y]. */
  static int nurand(SplittableRandom random, int a, int x, int y, int c) {
    return (((random.nextInt(a + 1) | (x + random.nextInt(y - x + 1))) + c) % (y - x + 1)) + x;
  }

  private int lastNameIndex(SplittableRandom random) {
    return nurand(random, 255, 0, Math.min(customers, 1000) - 1, C_LAST);
  }

  // Loading.

  @Override
  public void load(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String ddl : DDL) {
        s.execute(ddl);
      }
    }
    SplittableRandom random = new SplittableRandom(7_070_707L);
    long now = System.currentTimeMillis();
    try (PreparedStatement item = c.prepareStatement("INSERT INTO item VALUES (?, ?, ?, ?, ?)")) {
      for (int i = 1; i <= items; i++) {
        item.setInt(1, i);
        item.setInt(2, 1 + random.nextInt(10_000));
        item.setString(3, TxWorkload.text(random, 14, 24));
        item.setDouble(4, 1 + random.nextInt(9_900) / 100.0);
        item.setString(5, data(random));
        item.executeUpdate();
      }
    }
    try (PreparedStatement warehouse = c.prepareStatement("INSERT INTO warehouse VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement stock = c.prepareStatement(
            "INSERT INTO stock VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?)");
        PreparedStatement district = c.prepareStatement(
            "INSERT INTO district VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 30000.0, ?)");
        PreparedStatement customer = c.prepareStatement("INSERT INTO customer VALUES (?, ?, ?, ?, 'OE', ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, 50000.0, ?, -10.0, 10.0, 1, 0, ?)");
        PreparedStatement history = c.prepareStatement("INSERT INTO history VALUES (?, ?, ?, ?, ?, ?, 10.0, ?)");
        PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, 1)");
        PreparedStatement newOrder = c.prepareStatement("INSERT INTO new_order VALUES (?, ?, ?)");
        PreparedStatement line = c.prepareStatement("INSERT INTO order_line VALUES (?, ?, ?, ?, ?, ?, ?, 5, ?, ?)")) {
      for (int w = 1; w <= warehouses; w++) {
        warehouse.setInt(1, w);
        warehouse.setString(2, TxWorkload.text(random, 6, 10));
        street(warehouse, 3, random);
        warehouse.setDouble(8, random.nextInt(2_001) / 10_000.0);
        warehouse.setDouble(9, 300_000.0);
        warehouse.executeUpdate();
        for (int i = 1; i <= items; i++) {
          stock.setInt(1, w);
          stock.setInt(2, i);
          stock.setInt(3, 10 + random.nextInt(91));
          for (int d = 0; d < DISTRICTS; d++) {
            stock.setString(4 + d, TxWorkload.text(random, 24));
          }
          stock.setString(14, data(random));
          stock.executeUpdate();
        }
        for (int d = 1; d <= DISTRICTS; d++) {
          district.setInt(1, w);
          district.setInt(2, d);
          district.setString(3, TxWorkload.text(random, 6, 10));
          street(district, 4, random);
          district.setDouble(9, random.nextInt(2_001) / 10_000.0);
          district.setInt(10, customers + 1);
          district.executeUpdate();
          for (int id = 1; id <= customers; id++) {
            customer.setInt(1, w);
            customer.setInt(2, d);
            customer.setInt(3, id);
            customer.setString(4, TxWorkload.text(random, 8, 16));
            customer.setString(5, lastName(id <= 1000 ? id - 1 : nurand(random, 255, 0, 999, C_LAST)));
            street(customer, 6, random);
            customer.setString(11, digits(random, 16));
            customer.setLong(12, now);
            customer.setString(13, random.nextInt(10) == 0 ? "BC" : "GC");
            customer.setDouble(14, random.nextInt(5_001) / 10_000.0);
            customer.setString(15, TxWorkload.text(random, 300, 500));
            customer.executeUpdate();
            history.setInt(1, id);
            history.setInt(2, d);
            history.setInt(3, w);
            history.setInt(4, d);
            history.setInt(5, w);
            history.setLong(6, now);
            history.setString(7, TxWorkload.text(random, 12, 24));
            history.executeUpdate();
          }
          int[] customerOf = permutation(customers, random);
          int delivered = customers - customers * 3 / 10;
          for (int o = 1; o <= customers; o++) {
            int lines = 5 + random.nextInt(11);
            order.setInt(1, w);
            order.setInt(2, d);
            order.setInt(3, o);
            order.setInt(4, customerOf[o - 1] + 1);
            order.setLong(5, now);
            if (o <= delivered) {
              order.setInt(6, 1 + random.nextInt(10));
            } else {
              order.setNull(6, java.sql.Types.INTEGER);
            }
            order.setInt(7, lines);
            order.executeUpdate();
            if (o > delivered) {
              newOrder.setInt(1, w);
              newOrder.setInt(2, d);
              newOrder.setInt(3, o);
              newOrder.executeUpdate();
            }
            for (int n = 1; n <= lines; n++) {
              line.setInt(1, w);
              line.setInt(2, d);
              line.setInt(3, o);
              line.setInt(4, n);
              line.setInt(5, 1 + random.nextInt(items));
              line.setInt(6, w);
              if (o <= delivered) {
                line.setLong(7, now);
              } else {
                line.setNull(7, java.sql.Types.INTEGER);
              }
              line.setDouble(8, o <= delivered ? 0.0 : 0.01 + random.nextInt(999_999) / 100.0);
              line.setString(9, TxWorkload.text(random, 24));
              line.executeUpdate();
            }
          }
        }
      }
    }
  }

  /** An address (street 1, street 2, city, state, zip) in the parameters from {@code at} on. */
  private static void street(PreparedStatement p, int at, SplittableRandom random) throws SQLException {
    p.setString(at, TxWorkload.text(random, 10, 20));
    p.setString(at + 1, TxWorkload.text(random, 10, 20));
    p.setString(at + 2, TxWorkload.text(random, 10, 20));
    p.setString(at + 3, TxWorkload.text(random, 2));
    p.setString(at + 4, digits(random, 4) + "11111");
  }

  /** Item and stock data: 26-50 letters, one in ten holding "ORIGINAL". */
  private static String data(SplittableRandom random) {
    String data = TxWorkload.text(random, 26, 50);
    if (random.nextInt(10) == 0) {
      int at = random.nextInt(data.length() - 8);
      data = data.substring(0, at) + "ORIGINAL" + data.substring(at + 8);
    }
    return data;
  }

  private static String digits(SplittableRandom random, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = (char) ('0' + random.nextInt(10));
    }
    return new String(chars);
  }

  private static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = p[i];
      p[i] = p[j];
      p[j] = swap;
    }
    return p;
  }

  // Transactions.

  @Override
  public Terminal terminal(int thread, int threads, long seed) {
    return new TpccTerminal(thread, seed);
  }

  @Override
  public boolean readOnly(int type) {
    return type == ORDER_STATUS || type == STOCK_LEVEL;
  }

  private final class TpccTerminal implements Terminal {
    private final SplittableRandom random;
    private final int homeWarehouse;
    private final long[] commits = new long[5];
    private final long[] delta = new long[4];
    private long captured;

    // The drawn transaction.
    private int type;
    private int district;
    private int customer;
    private int lastName;
    private boolean byName;
    private double amount;
    private int carrier;
    private int threshold;
    private final int[] itemIds = new int[LINES_MAX];
    private final int[] quantities = new int[LINES_MAX];
    private int lines;
    private String paymentData;

    TpccTerminal(int thread, long seed) {
      random = new SplittableRandom(seed);
      homeWarehouse = 1 + thread % warehouses;
    }

    @Override
    public void next() {
      int roll = random.nextInt(100);
      type = roll < 45 ? NEW_ORDER : roll < 88 ? PAYMENT : roll < 92 ? ORDER_STATUS : roll < 96 ? DELIVERY
          : STOCK_LEVEL;
      district = 1 + random.nextInt(DISTRICTS);
      customer = nurand(random, 255, 1, customers, C_ID);
      byName = random.nextInt(100) < 60;
      lastName = lastNameIndex(random);
      amount = 1 + random.nextInt(499_901) / 100.0;
      carrier = 1 + random.nextInt(10);
      threshold = 10 + random.nextInt(11);
      lines = LINES_MIN + random.nextInt(LINES_MAX - LINES_MIN + 1);
      for (int n = 0; n < lines; n++) {
        int id;
        do {
          id = nurand(random, 1023, 1, items, C_ITEM);
        } while (contains(itemIds, n, id));
        itemIds[n] = id;
        quantities[n] = 1 + random.nextInt(10);
      }
      paymentData = TxWorkload.text(random, 12, 24);
    }

    private static boolean contains(int[] values, int count, int value) {
      for (int i = 0; i < count; i++) {
        if (values[i] == value) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void run(Connection c) throws SQLException {
      long[] addedDelta = new long[delta.length];
      long addedCaptured = switch (type) {
        case NEW_ORDER -> newOrder(c, addedDelta);
        case PAYMENT -> payment(c, addedDelta);
        case ORDER_STATUS -> orderStatus(c);
        case DELIVERY -> delivery(c, addedDelta);
        default -> stockLevel(c);
      };
      c.commit();
      commits[type]++;
      captured += addedCaptured;
      for (int i = 0; i < delta.length; i++) {
        delta[i] += addedDelta[i];
      }
    }

    private long newOrder(Connection c, long[] added) throws SQLException {
      int w = homeWarehouse;
      int orderId;
      try (PreparedStatement p = c.prepareStatement("UPDATE district SET d_next_o_id = d_next_o_id + 1"
          + " WHERE d_w_id = ? AND d_id = ? RETURNING d_next_o_id - 1, d_tax")) {
        p.setInt(1, w);
        p.setInt(2, district);
        try (ResultSet r = p.executeQuery()) {
          require(r.next(), "district");
          orderId = r.getInt(1);
          r.getDouble(2);
        }
      }
      try (PreparedStatement p = c.prepareStatement("SELECT c_discount, c_last, c_credit, w_tax FROM customer,"
          + " warehouse WHERE w_id = ? AND c_w_id = w_id AND c_d_id = ? AND c_id = ?")) {
        p.setInt(1, w);
        p.setInt(2, district);
        p.setInt(3, customer);
        try (ResultSet r = p.executeQuery()) {
          require(r.next(), "customer");
          r.getDouble(1);
          r.getString(2);
          r.getString(3);
          r.getDouble(4);
        }
      }
      long now = System.currentTimeMillis();
      try (PreparedStatement p = c.prepareStatement("INSERT INTO orders(o_w_id, o_d_id, o_id, o_c_id, o_entry_d,"
          + " o_carrier_id, o_ol_cnt, o_all_local) VALUES (?, ?, ?, ?, ?, NULL, ?, 1)")) {
        p.setInt(1, w);
        p.setInt(2, district);
        p.setInt(3, orderId);
        p.setInt(4, customer);
        p.setLong(5, now);
        p.setInt(6, lines);
        BenchSupport.expect(1, p.executeUpdate(), "orders inserted");
      }
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO new_order(no_w_id, no_d_id, no_o_id) VALUES (?, ?, ?)")) {
        p.setInt(1, w);
        p.setInt(2, district);
        p.setInt(3, orderId);
        BenchSupport.expect(1, p.executeUpdate(), "new_order inserted");
      }
      String distColumn = String.format(Locale.ROOT, "s_dist_%02d", district);
      try (PreparedStatement item = c.prepareStatement("SELECT i_price, i_name, i_data FROM item WHERE i_id = ?");
          PreparedStatement stock = c.prepareStatement("UPDATE stock SET s_quantity = CASE WHEN s_quantity >= ?1 + 10"
              + " THEN s_quantity - ?1 ELSE s_quantity - ?1 + 91 END, s_ytd = s_ytd + ?1,"
              + " s_order_cnt = s_order_cnt + 1 WHERE s_w_id = ?2 AND s_i_id = ?3 RETURNING " + distColumn
              + ", s_data");
          PreparedStatement line = c.prepareStatement("INSERT INTO order_line(ol_w_id, ol_d_id, ol_o_id, ol_number,"
              + " ol_i_id, ol_supply_w_id, ol_delivery_d, ol_quantity, ol_amount, ol_dist_info)"
              + " VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)")) {
        for (int n = 0; n < lines; n++) {
          double price;
          item.setInt(1, itemIds[n]);
          try (ResultSet r = item.executeQuery()) {
            require(r.next(), "item");
            price = r.getDouble(1);
            r.getString(2);
            r.getString(3);
          }
          String distInfo;
          stock.setInt(1, quantities[n]);
          stock.setInt(2, w);
          stock.setInt(3, itemIds[n]);
          try (ResultSet r = stock.executeQuery()) {
            require(r.next(), "stock");
            distInfo = r.getString(1);
            r.getString(2);
          }
          line.setInt(1, w);
          line.setInt(2, district);
          line.setInt(3, orderId);
          line.setInt(4, n + 1);
          line.setInt(5, itemIds[n]);
          line.setInt(6, w);
          line.setInt(7, quantities[n]);
          line.setDouble(8, quantities[n] * price);
          line.setString(9, distInfo);
          BenchSupport.expect(1, line.executeUpdate(), "order_line inserted");
        }
      }
      added[0] = 1;
      added[1] = 1;
      added[2] = lines;
      return 3 + 2L * lines; // district, order, new_order; per line the stock and the line
    }

    private long payment(Connection c, long[] added) throws SQLException {
      int w = homeWarehouse;
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE warehouse SET w_ytd = w_ytd + ? WHERE w_id = ? RETURNING w_name, w_street_1, w_city")) {
        p.setDouble(1, amount);
        p.setInt(2, w);
        try (ResultSet r = p.executeQuery()) {
          require(r.next(), "warehouse");
          r.getString(1);
        }
      }
      try (PreparedStatement p = c.prepareStatement("UPDATE district SET d_ytd = d_ytd + ? WHERE d_w_id = ?"
          + " AND d_id = ? RETURNING d_name, d_street_1, d_city")) {
        p.setDouble(1, amount);
        p.setInt(2, w);
        p.setInt(3, district);
        try (ResultSet r = p.executeQuery()) {
          require(r.next(), "district");
          r.getString(1);
        }
      }
      int id = byName ? customerByName(c, w) : customer;
      try (PreparedStatement p = c.prepareStatement("UPDATE customer SET c_balance = c_balance - ?1,"
          + " c_ytd_payment = c_ytd_payment + ?1, c_payment_cnt = c_payment_cnt + 1,"
          + " c_data = CASE WHEN c_credit = 'BC' THEN substr(?2 || c_data, 1, 500) ELSE c_data END"
          + " WHERE c_w_id = ?3 AND c_d_id = ?4 AND c_id = ?5"
          + " RETURNING c_first, c_middle, c_last, c_balance, c_credit")) {
        p.setDouble(1, amount);
        p.setString(2, paymentData);
        p.setInt(3, w);
        p.setInt(4, district);
        p.setInt(5, id);
        try (ResultSet r = p.executeQuery()) {
          require(r.next(), "customer");
          r.getString(1);
          r.getDouble(4);
        }
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO history(h_c_id, h_c_d_id, h_c_w_id, h_d_id, h_w_id,"
          + " h_date, h_amount, h_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        p.setInt(1, id);
        p.setInt(2, district);
        p.setInt(3, w);
        p.setInt(4, district);
        p.setInt(5, w);
        p.setLong(6, System.currentTimeMillis());
        p.setDouble(7, amount);
        p.setString(8, paymentData);
        BenchSupport.expect(1, p.executeUpdate(), "history inserted");
      }
      added[3] = 1;
      return 3; // warehouse, district, customer; history is untracked
    }

    /** TPC-C's customer by last name: the middle one of those sorted by first name. */
    private int customerByName(Connection c, int w) throws SQLException {
      List<Integer> ids = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT c_id FROM customer WHERE c_w_id = ? AND c_d_id = ?"
          + " AND c_last = ? ORDER BY c_first")) {
        p.setInt(1, w);
        p.setInt(2, district);
        p.setString(3, lastName(lastName));
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            ids.add(r.getInt(1));
          }
        }
      }
      require(!ids.isEmpty(), "customer named " + lastName(lastName));
      return ids.get((ids.size() - 1) / 2);
    }

    private long orderStatus(Connection c) throws SQLException {
      int w = homeWarehouse;
      int id = byName ? customerByName(c, w) : customer;
      try (PreparedStatement p = c.prepareStatement("SELECT c_balance, c_first, c_middle, c_last FROM customer"
          + " WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?")) {
        p.setInt(1, w);
        p.setInt(2, district);
        p.setInt(3, id);
        try (ResultSet r = p.executeQuery()) {
          require(r.next(), "customer");
          r.getDouble(1);
        }
      }
      int orderId = -1;
      try (PreparedStatement p = c.prepareStatement("SELECT o_id, o_entry_d, o_carrier_id FROM orders"
          + " WHERE o_w_id = ? AND o_d_id = ? AND o_c_id = ? ORDER BY o_id DESC LIMIT 1")) {
        p.setInt(1, w);
        p.setInt(2, district);
        p.setInt(3, id);
        try (ResultSet r = p.executeQuery()) {
          if (r.next()) {
            orderId = r.getInt(1);
          }
        }
      }
      if (orderId >= 0) {
        try (PreparedStatement p = c.prepareStatement("SELECT ol_i_id, ol_supply_w_id, ol_quantity, ol_amount,"
            + " ol_delivery_d FROM order_line WHERE ol_w_id = ? AND ol_d_id = ? AND ol_o_id = ?")) {
          p.setInt(1, w);
          p.setInt(2, district);
          p.setInt(3, orderId);
          try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
              r.getInt(1);
              r.getDouble(4);
            }
          }
        }
      }
      return 0;
    }

    private long delivery(Connection c, long[] added) throws SQLException {
      int w = homeWarehouse;
      int orderId;
      try (PreparedStatement p = c.prepareStatement("DELETE FROM new_order WHERE no_w_id = ?1 AND no_d_id = ?2"
          + " AND no_o_id = (SELECT min(no_o_id) FROM new_order WHERE no_w_id = ?1 AND no_d_id = ?2)"
          + " RETURNING no_o_id")) {
        p.setInt(1, w);
        p.setInt(2, district);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            return 0; // nothing left to deliver in this district
          }
          orderId = r.getInt(1);
        }
      }
      int customerId;
      try (PreparedStatement p = c.prepareStatement("UPDATE orders SET o_carrier_id = ? WHERE o_w_id = ?"
          + " AND o_d_id = ? AND o_id = ? RETURNING o_c_id")) {
        p.setInt(1, carrier);
        p.setInt(2, w);
        p.setInt(3, district);
        p.setInt(4, orderId);
        try (ResultSet r = p.executeQuery()) {
          require(r.next(), "order " + orderId);
          customerId = r.getInt(1);
        }
      }
      int lineCount;
      try (PreparedStatement p = c.prepareStatement("UPDATE order_line SET ol_delivery_d = ? WHERE ol_w_id = ?"
          + " AND ol_d_id = ? AND ol_o_id = ?")) {
        p.setLong(1, System.currentTimeMillis());
        p.setInt(2, w);
        p.setInt(3, district);
        p.setInt(4, orderId);
        lineCount = p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement("UPDATE customer SET c_balance = c_balance + (SELECT"
          + " sum(ol_amount) FROM order_line WHERE ol_w_id = ?1 AND ol_d_id = ?2 AND ol_o_id = ?3),"
          + " c_delivery_cnt = c_delivery_cnt + 1 WHERE c_w_id = ?1 AND c_d_id = ?2 AND c_id = ?4")) {
        p.setInt(1, w);
        p.setInt(2, district);
        p.setInt(3, orderId);
        p.setInt(4, customerId);
        BenchSupport.expect(1, p.executeUpdate(), "customer updated");
      }
      added[1] = -1;
      return 3L + lineCount; // new_order deleted, order, lines, customer
    }

    private long stockLevel(Connection c) throws SQLException {
      int w = homeWarehouse;
      int nextOrder;
      try (PreparedStatement p = c.prepareStatement(
          "SELECT d_next_o_id FROM district WHERE d_w_id = ? AND d_id = ?")) {
        p.setInt(1, w);
        p.setInt(2, district);
        try (ResultSet r = p.executeQuery()) {
          require(r.next(), "district");
          nextOrder = r.getInt(1);
        }
      }
      try (PreparedStatement p = c.prepareStatement("SELECT count(DISTINCT s_i_id) FROM order_line, stock"
          + " WHERE ol_w_id = ?1 AND ol_d_id = ?2 AND ol_o_id < ?3 AND ol_o_id >= ?3 - 20"
          + " AND s_w_id = ?1 AND s_i_id = ol_i_id AND s_quantity < ?4")) {
        p.setInt(1, w);
        p.setInt(2, district);
        p.setInt(3, nextOrder);
        p.setInt(4, threshold);
        try (ResultSet r = p.executeQuery()) {
          require(r.next(), "stock level");
          r.getLong(1);
        }
      }
      return 0;
    }

    @Override
    public int type() {
      return type;
    }

    @Override
    public long[] commitsByType() {
      return commits;
    }

    @Override
    public long captured() {
      return captured;
    }

    @Override
    public long[] tableDelta() {
      return delta;
    }
  }

  private static void require(boolean found, String what) {
    if (!found) {
      throw new IllegalStateException("tpcc: no row for " + what);
    }
  }
}
