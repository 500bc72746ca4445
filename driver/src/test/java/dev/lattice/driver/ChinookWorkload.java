package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * What a Chinook shop does on several devices at once, for properties of numbered tables: new customers, invoices of
 * new or existing customers, lines of new or existing invoices, and edited totals. It remembers what it made, by labels
 * that survive renumbering, so that {@link #assertIntact} can check that every new row is there once and every
 * reference points at the row it was made for. The properties add their own ways of syncing.
 */
public final class ChinookWorkload {
  public static final List<String> TABLES = List.of("Customer", "Invoice", "InvoiceLine");

  /** One step of a property: an edit here, or a sync the property defines. */
  public interface Action {}

  public record NewCustomer(int at) implements Action {}

  /** An invoice for one of the three newest customers device {@code at} holds ({@code pick} chooses). */
  public record NewInvoice(int at, int pick) implements Action {}

  /** A line on one of the three newest invoices device {@code at} holds. */
  public record NewLine(int at, int pick) implements Action {}

  public record EditTotal(int at, int pick, int cents) implements Action {}

  /** A device's database as the workload writes and reads it. */
  public interface Database {
    void exec(String sql) throws SQLException;

    List<List<Object>> query(String sql) throws SQLException;
  }

  private int inserted;
  /** Per new invoice's label, the customer it was made for; per new line's quantity, its invoice. */
  private final Map<String, String> invoiceCustomer = new HashMap<>();
  private final Map<Long, String> lineInvoice = new HashMap<>();
  private final List<String> newCustomers = new ArrayList<>();

  /** The edits, weighted, on any of {@code devices} devices; a property adds its syncs to them. */
  public static List<Tuple2<Integer, Arbitrary<Action>>> edits(int devices) {
    Arbitrary<Integer> device = Arbitraries.integers().between(0, devices - 1);
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 2);
    return List.of(
        weighted(3, device.map(NewCustomer::new)),
        weighted(4, Combinators.combine(device, pick).as(NewInvoice::new)),
        weighted(4, Combinators.combine(device, pick).as(NewLine::new)),
        weighted(1, Combinators.combine(device, pick, Arbitraries.integers().between(1, 9_999)).as(EditTotal::new)));
  }

  public static Tuple2<Integer, Arbitrary<Action>> weighted(int weight, Arbitrary<? extends Action> action) {
    return Tuple.of(weight, action.map(a -> (Action) a));
  }

  /** Runs {@code action} if it is an edit, on its device of {@code devices}; false for any other action. */
  public boolean edit(Action action, List<? extends Database> devices) throws SQLException {
    if (action instanceof NewCustomer n) {
      String label = "new " + (++inserted);
      devices.get(n.at()).exec("INSERT INTO Customer(FirstName, LastName, Email) VALUES ('A', '" + label
          + "', 'a@example.com')");
      newCustomers.add(label);
    } else if (action instanceof NewInvoice n) {
      Database db = devices.get(n.at());
      List<List<Object>> newest = db.query("SELECT c.CustomerId, " + customer("c") + " FROM Customer c"
          + " ORDER BY c.CustomerId DESC LIMIT 3");
      List<Object> chosen = newest.get(n.pick() % newest.size());
      String label = "new " + (++inserted);
      db.exec("INSERT INTO Invoice(CustomerId, InvoiceDate, BillingAddress, Total) VALUES (" + chosen.get(0)
          + ", '2026-12-06', '" + label + "', 1.00)");
      invoiceCustomer.put(label, (String) chosen.get(1));
    } else if (action instanceof NewLine n) {
      Database db = devices.get(n.at());
      List<List<Object>> newest = db.query("SELECT i.InvoiceId, " + invoice("i") + " FROM Invoice i"
          + " ORDER BY i.InvoiceId DESC LIMIT 3");
      List<Object> chosen = newest.get(n.pick() % newest.size());
      long quantity = 1_000_000 + (++inserted);
      db.exec("INSERT INTO InvoiceLine(InvoiceId, TrackId, UnitPrice, Quantity) VALUES (" + chosen.get(0)
          + ", 1, 0.99, " + quantity + ")");
      lineInvoice.put(quantity, (String) chosen.get(1));
    } else if (action instanceof EditTotal e) {
      devices.get(e.at()).exec("UPDATE Invoice SET Total = " + e.cents() / 100.0 + " WHERE InvoiceId = (SELECT"
          + " InvoiceId FROM Invoice ORDER BY InvoiceId DESC LIMIT 1 OFFSET " + e.pick() + ")");
    } else {
      return false;
    }
    return true;
  }

  /**
   * Every new customer, invoice and line is in {@code db} once, every invoice on the customer it was made for and
   * every line on its invoice.
   */
  public void assertIntact(Database db) throws SQLException {
    List<Object> customers = column(db, "SELECT LastName FROM Customer WHERE LastName LIKE 'new %'");
    assertEquals(newCustomers.size(), customers.size(), "every new customer, once");
    assertEquals(new TreeSet<>(newCustomers), new TreeSet<>(customers));
    for (List<Object> invoice : db.query("SELECT i.BillingAddress, " + customer("c") + " FROM Invoice i"
        + " JOIN Customer c ON c.CustomerId = i.CustomerId WHERE i.BillingAddress LIKE 'new %'")) {
      assertEquals(invoiceCustomer.get((String) invoice.get(0)), invoice.get(1), "the customer of " + invoice.get(0));
    }
    assertEquals(invoiceCustomer.size(), db.query("SELECT 1 FROM Invoice WHERE BillingAddress LIKE 'new %'").size(),
        "every new invoice, once, on an existing customer");
    for (List<Object> line : db.query("SELECT l.Quantity, " + invoice("i") + " FROM InvoiceLine l"
        + " JOIN Invoice i ON i.InvoiceId = l.InvoiceId WHERE l.Quantity >= 1000000")) {
      assertEquals(lineInvoice.get(((Number) line.get(0)).longValue()), line.get(1), "the invoice of line "
          + line.get(0));
    }
    assertEquals(lineInvoice.size(), db.query("SELECT 1 FROM InvoiceLine WHERE Quantity >= 1000000").size(),
        "every new line, once, on an existing invoice");
  }

  /** A customer as the workload names it: a new one by its label, one of Chinook's by its number (which never moves). */
  private static String customer(String alias) {
    return "CASE WHEN " + alias + ".LastName LIKE 'new %' THEN " + alias + ".LastName ELSE 'chinook ' || " + alias
        + ".CustomerId END";
  }

  private static String invoice(String alias) {
    return "CASE WHEN " + alias + ".BillingAddress LIKE 'new %' THEN " + alias + ".BillingAddress ELSE 'chinook ' || "
        + alias + ".InvoiceId END";
  }

  private static List<Object> column(Database db, String sql) throws SQLException {
    List<Object> out = new ArrayList<>();
    db.query(sql).forEach(row -> out.add(row.get(0)));
    return out;
  }
}
