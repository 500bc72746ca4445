package dev.lattice.sync.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.driver.Replica;
import dev.lattice.driver.TrackOptions;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.Allocate;
import dev.lattice.sync.wire.Failure;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import dev.lattice.sync.wire.WireCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Numbered tables over the protocol: before a device sends rows SQLite numbered, it asks its space's number source for
 * numbers and moves them there, so two devices that inserted under the same number both keep their rows, with the
 * rows that reference them. Here the source is a device that hosts the others ({@link ReplicaStore#handOutNumbers}).
 */
class NumberedSyncTest {
  private static final WireCodec CODEC = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** A device with a shop's two numbered tables, written by an application connection through the driver. */
  private final class Shop {
    final Connection app;
    final ReplicaStore store;

    Shop(String name, Encryption encryption) throws SQLException {
      Path file = dir.resolve(name);
      app = DriverManager.getConnection("jdbc:lattice:sqlite:" + file);
      open.add(app);
      try (Statement s = app.createStatement()) {
        s.execute("PRAGMA foreign_keys = ON");
        s.execute("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
        s.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES"
            + " customers(id), total REAL NOT NULL)");
      }
      Replica.of(app).track("customers", TrackOptions.DEFAULT.numberedForSync());
      Replica.of(app).track("invoices", TrackOptions.DEFAULT.numberedForSync());
      store = ReplicaStore.open("jdbc:sqlite:" + file, encryption);
      open.add(0, store);
    }

    Shop buys(String customer, double total) throws SQLException {
      try (Statement s = app.createStatement()) {
        s.execute("INSERT INTO customers(name) VALUES ('" + customer + "')");
        s.execute("INSERT INTO invoices(customer_id, total) VALUES (last_insert_rowid(), " + total + ")");
      }
      return this;
    }

    List<String> query(String sql) throws SQLException {
      List<String> out = new ArrayList<>();
      try (Statement s = app.createStatement(); ResultSet r = s.executeQuery(sql)) {
        while (r.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
            row.add(r.getString(i));
          }
          out.add(String.join("|", row));
        }
      }
      return out;
    }

    /** Every invoice with its customer's name: what a reference pointing at the wrong row would change. */
    List<String> sales() throws SQLException {
      return query("SELECT c.name, i.total FROM invoices i JOIN customers c ON c.id = i.customer_id ORDER BY c.name");
    }

    List<String> numbered() throws SQLException {
      return query("SELECT id, name FROM customers ORDER BY id");
    }

    SyncReport syncWith(Shop peer) throws SyncException {
      return SyncSession.run(store, new dev.lattice.sync.transport.InMemoryTransport(
          new SyncResponder(peer.store, SyncOptions.DEFAULTS)), SyncOptions.DEFAULTS);
    }
  }

  private static Encryption encryption(boolean on) {
    return on ? Encryption.passphrase("correct horse".toCharArray()).withNewSpaceParams(Device.CHEAP)
        : Encryption.off();
  }

  private static void assertSame(Shop a, Shop b) throws Exception {
    assertEquals(a.numbered(), b.numbered(), "customers and their numbers");
    assertEquals(a.sales(), b.sales(), "invoices on their customers");
    assertEquals(VectorEntry.vector(a.store.vector()), VectorEntry.vector(b.store.vector()), "version vectors");
    assertEquals(root(a), root(b), "Merkle roots");
  }

  private static String root(Shop shop) throws SyncException {
    TreeRoot root = shop.store.root();
    return root.count() + ":" + HexFormat.of().formatHex(root.digest());
  }

  @ParameterizedTest(name = "encrypted: {0}")
  @ValueSource(booleans = {false, true})
  void twoDevicesThatInsertedUnderOneNumber_bothKeepTheirRowsAndInvoices(boolean encrypted) throws Exception {
    Shop host = new Shop("host.db", encryption(encrypted));
    host.store.handOutNumbers();
    host.buys("Ada", 5);
    Shop phone = new Shop("phone.db", encryption(encrypted));
    Shop laptop = new Shop("laptop.db", encryption(encrypted));
    phone.syncWith(host);
    laptop.syncWith(host);

    phone.buys("Ann", 10);
    laptop.buys("Bob", 20);
    assertEquals(List.of("1|Ada", "2|Ann"), phone.numbered());
    assertEquals(List.of("1|Ada", "2|Bob"), laptop.numbered(), "SQLite gave both new customers number 2");

    phone.syncWith(host);
    laptop.syncWith(host);
    phone.syncWith(host);

    assertEquals(List.of("1|Ada", "2|Ann", "3|Bob"), host.numbered(), "numbered in the order they asked");
    assertEquals(List.of("Ada|5.0", "Ann|10.0", "Bob|20.0"), host.sales());
    assertSame(host, phone);
    assertSame(host, laptop);
    for (Shop shop : List.of(host, phone, laptop)) {
      assertEquals(List.of(), shop.query("PRAGMA foreign_key_check"));
    }
  }

  @Test
  void theHostNumbersItsOwnRowsBeforeAPeerReadsThem() throws Exception {
    Shop host = new Shop("host.db", Encryption.off());
    host.store.handOutNumbers();
    Shop phone = new Shop("phone.db", Encryption.off());
    phone.buys("Ann", 10);
    phone.syncWith(host);

    host.buys("Ada", 5); // SQLite gives it number 2 here, as it did Ann on the phone before she was numbered
    phone.syncWith(host);

    assertEquals(List.of("1|Ann", "2|Ada"), host.numbered());
    assertSame(host, phone);
    assertEquals(List.of("0"), host.query("SELECT count(*) FROM lattice_provisional"));
  }

  @Test
  void rowsInsertedWhileTheNumbersTravel_areNumberedByAnotherRequest() throws Exception {
    Shop host = new Shop("host.db", Encryption.off());
    host.store.handOutNumbers();
    Shop phone = new Shop("phone.db", Encryption.off());
    phone.buys("Ann", 10);
    AtomicInteger asked = new AtomicInteger();
    Transport inserting = request -> {
      if (CODEC.decode(request) instanceof Allocate && asked.incrementAndGet() == 1) {
        try {
          phone.buys("Bea", 15); // the application, between the request for numbers and its answer
        } catch (SQLException e) {
          throw new IOException(e);
        }
      }
      return new SyncResponder(host.store, SyncOptions.DEFAULTS).handle(request);
    };

    SyncSession.run(phone.store, inserting, SyncOptions.DEFAULTS);

    assertEquals(2, asked.get(), "asked again: the first numbers were for one customer, two were waiting");
    assertEquals(List.of("Ann|10.0", "Bea|15.0"), host.sales());
    assertSame(host, phone);
  }

  @Test
  void aPeerFromBeforeNumberedTables_isNamed_andNothingIsSent() throws Exception {
    Shop host = new Shop("host.db", Encryption.off());
    Shop phone = new Shop("phone.db", Encryption.off());
    phone.buys("Ann", 10);
    SyncResponder responder = new SyncResponder(host.store, SyncOptions.DEFAULTS);
    Transport older = request -> {
      // What a peer of the earlier protocol 2 answers a message type it does not know.
      return CODEC.decode(request) instanceof Allocate
          ? CODEC.encode(new Failure(Kind.MALFORMED.code(), "unknown message type 'allocate'", null))
          : responder.handle(request);
    };

    SyncException e = assertThrows(SyncException.class, () -> SyncSession.run(phone.store, older,
        SyncOptions.DEFAULTS));

    assertEquals(Kind.PROTOCOL, e.kind());
    assertTrue(e.getMessage().contains("a peer from before numbered tables answers so: update it"), e.getMessage());
    assertEquals(List.of(), host.numbered(), "nothing of the phone's reached the peer");
    assertEquals(List.of("1|Ann"), phone.numbered(), "and nothing moved here");
  }

  @Test
  void aDeviceThatIsNotItsSpacesSource_refusesToHandOutNumbers() throws Exception {
    Shop phone = new Shop("phone.db", Encryption.off());
    Shop laptop = new Shop("laptop.db", Encryption.off());
    laptop.buys("Bob", 20);

    SyncException e = assertThrows(SyncException.class, () -> laptop.syncWith(phone));

    assertEquals(Kind.REJECTED, e.kind());
    assertTrue(e.getMessage().contains("hands out no numbers"), e.getMessage());
    assertEquals(List.of(), phone.numbered());
  }

  @Test
  void aReplicaNumberedThroughOneSource_refusesAnother_andADeviceNumberedThroughASource_cannotBecomeOne()
      throws Exception {
    Shop host = new Shop("host.db", Encryption.off());
    host.store.handOutNumbers();
    Shop other = new Shop("other.db", Encryption.off());
    other.store.handOutNumbers();
    Shop phone = new Shop("phone.db", Encryption.off());
    phone.buys("Ann", 10);
    phone.syncWith(host);

    phone.buys("Bea", 15);
    SyncException refused = assertThrows(SyncException.class, () -> phone.syncWith(other));
    assertEquals(Kind.PROTOCOL, refused.kind());
    assertTrue(refused.getMessage().contains("a space has one number source"), refused.getMessage());
    assertEquals(List.of("1|Ann", "2|Bea"), phone.numbered(), "Bea waits under the number SQLite gave her");
    assertEquals(List.of(), other.numbered(), "nothing of the phone's reached the other source");

    phone.store.handOutNumbers(); // the phone now hosts a laptop: its numbers would collide with the host's
    Shop laptop = new Shop("laptop.db", Encryption.off());
    laptop.buys("Cy", 20);
    SyncException cannot = assertThrows(SyncException.class, () -> laptop.syncWith(phone));
    assertTrue(cannot.getMessage().contains("cannot hand out numbers itself"), cannot.getMessage());
    assertEquals(List.of("1|Cy"), laptop.numbered());
  }
}
