package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.driver.ChinookWorkload;
import dev.lattice.driver.Replica;
import dev.lattice.driver.TestDatabase;
import dev.lattice.driver.TrackOptions;
import dev.lattice.sync.crypto.KdfParams;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;
import dev.lattice.sync.transport.HttpTransport;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.Allocate;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import dev.lattice.sync.wire.WireCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Chinook's customers, invoices and invoice lines, keyed by numbers SQLite assigns, edited on three devices of one
 * encrypted space that sync through the real server over loopback HTTP, in random order: each device inserts customers,
 * invoices of new or existing customers and lines of new or existing invoices, and edits totals; two devices also
 * sync at once, asking for numbers holding the same state. The server hands out the numbers (its counters know only
 * MACs of the table names). After every device syncs twice more, all three hold
 * the same rows under the same numbers, every new row is there once, every invoice is on the customer it was made for
 * and every line on its invoice, and vectors and Merkle roots are equal.
 */
class ChinookNumberingThroughServerProperties {
  private static final WireCodec CODEC = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
  private static final Path CHINOOK = Path.of(System.getProperty("lattice.fixtures", "../fixtures"),
      "chinook.sqlite");

  record Sync(int at) implements ChinookWorkload.Action {}

  /**
   * Two devices sync at once, and when both have rows to number, each waits after the server answered its request for
   * numbers until the other's was answered too: both asked holding the same state, so only the server's counter keeps
   * their numbers apart.
   */
  record Race(int a, int b) implements ChinookWorkload.Action {}

  private Path serverDir;
  private LatticeServer server;
  private Path dir;
  private List<Device> devices;
  private ChinookWorkload shop;

  /** A device: a copy of Chinook written through the driver, and its store syncing with its space on the server. */
  private record Device(Connection app, ReplicaStore store, URI space, String token)
      implements ChinookWorkload.Database {
    void sync() throws Exception {
      sync(null);
    }

    /** Syncs, waiting at {@code afterNumbers} (when not null) once the server answered its request for numbers. */
    void sync(CyclicBarrier afterNumbers) throws Exception {
      try (HttpTransport http = new HttpTransport(space, HttpTransport.Options.defaults(), token)) {
        Transport transport = afterNumbers == null ? http : request -> {
          byte[] reply = http.exchange(request);
          if (CODEC.decode(request) instanceof Allocate) {
            try {
              afterNumbers.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
              throw new IOException("the other device never asked for numbers", e);
            }
          }
          return reply;
        };
        SyncSession.run(store, transport, SyncOptions.DEFAULTS);
      }
    }

    boolean hasRowsToNumber() throws SQLException {
      return !store.replica().numbering().isEmpty();
    }

    @Override
    public void exec(String sql) throws SQLException {
      try (Statement s = app.createStatement()) {
        s.execute(sql);
      }
    }

    @Override
    public List<List<Object>> query(String sql) throws SQLException {
      return TestDatabase.rows(app, sql);
    }

    void close() throws SQLException {
      try {
        store.close();
      } finally {
        app.close();
      }
    }
  }

  @BeforeProperty
  void startServer() throws Exception {
    assertTrue(Files.exists(CHINOOK), "fixture missing: " + CHINOOK.toAbsolutePath());
    serverDir = Files.createTempDirectory("lattice-numbering-server");
    server = LatticeServer.startWithRelay(TestServer.config(serverDir, TestStorage.SQLITE));
  }

  @AfterProperty
  void stopServer() throws Exception {
    server.close();
    delete(serverDir);
  }

  @BeforeTry
  void setUp() throws Exception {
    dir = Files.createTempDirectory("lattice-numbering-devices");
    Api api = new Api(server.uri());
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device first = api.join(space, "device 0");
    List<Api.Device> ids = List.of(first, api.pair(first, "device 1"), api.pair(first, "device 2"));
    URI base = URI.create(server.uri() + "/spaces/" + space.id());
    devices = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path file = Files.copy(CHINOOK, dir.resolve(i + ".db"));
      Connection app = DriverManager.getConnection("jdbc:lattice:sqlite:" + file);
      try (Statement s = app.createStatement()) {
        s.execute("PRAGMA foreign_keys = ON");
      }
      for (String table : ChinookWorkload.TABLES) {
        Replica.of(app).track(table, TrackOptions.DEFAULT.numberedForSync());
      }
      ReplicaStore store = ReplicaStore.open("jdbc:sqlite:" + file, Encryption.passphrase("our words".toCharArray())
          .withNewSpaceParams(KdfParams.cheapForTests(new byte[16])));
      devices.add(new Device(app, store, base, ids.get(i).token()));
    }
    for (Device d : devices) {
      d.sync(); // the first makes the space's key; the others join it, holding the same Chinook rows
    }
    shop = new ChinookWorkload();
  }

  @AfterTry
  void tearDown() throws Exception {
    for (Device d : devices) {
      d.close();
    }
    delete(dir);
  }

  @Provide
  Arbitrary<List<ChinookWorkload.Action>> actions() {
    Arbitrary<Integer> device = Arbitraries.integers().between(0, 2);
    List<Tuple.Tuple2<Integer, Arbitrary<ChinookWorkload.Action>>> all = new ArrayList<>(ChinookWorkload.edits(3));
    all.add(ChinookWorkload.weighted(3, device.map(Sync::new)));
    all.add(ChinookWorkload.weighted(2, Combinators.combine(device, device).as(Race::new)));
    return Arbitraries.frequencyOf(all).list().ofMinSize(10).ofMaxSize(30);
  }

  @Property(tries = 12)
  void everyRowKept_everyReferenceIntact_andTheDevicesConverge(
      @ForAll("actions") List<ChinookWorkload.Action> actions) throws Exception {
    for (ChinookWorkload.Action action : actions) {
      if (!shop.edit(action, devices)) {
        sync(action);
      }
    }
    for (int round = 0; round < 2; round++) {
      for (Device d : devices) {
        d.sync();
      }
    }
    Device first = devices.get(0);
    for (Device d : devices) {
      for (String table : ChinookWorkload.TABLES) {
        assertEquals(first.query("SELECT * FROM " + table + " ORDER BY 1"), d.query("SELECT * FROM " + table
            + " ORDER BY 1"), table);
      }
      assertEquals(VectorEntry.vector(first.store().vector()), VectorEntry.vector(d.store().vector()));
      assertEquals(root(first), root(d));
      assertEquals(List.of(), d.query("PRAGMA foreign_key_check"));
    }
    shop.assertIntact(first);
  }

  private void sync(ChinookWorkload.Action action) throws Exception {
    if (action instanceof Sync s) {
      devices.get(s.at()).sync();
    } else if (action instanceof Race r && r.a() != r.b()) {
      Device a = devices.get(r.a());
      Device b = devices.get(r.b());
      CyclicBarrier barrier = a.hasRowsToNumber() && b.hasRowsToNumber() ? new CyclicBarrier(2) : null;
      CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
        try {
          b.sync(barrier);
        } catch (Exception e) {
          throw new CompletionException(e);
        }
      });
      a.sync(barrier);
      other.join();
    }
  }

  private static String root(Device d) throws Exception {
    TreeRoot root = d.store().root();
    return root.count() + ":" + HexFormat.of().formatHex(root.digest());
  }

  private static void delete(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
