package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple.Tuple2;
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
  /** Both settle, then sync both ways. */
  record Sync(int a, int b) implements ChinookWorkload.Action {}

  /** {@code to} receives what {@code from} has (settled first), while its own new rows are not settled yet. */
  record Deliver(int from, int to) implements ChinookWorkload.Action {}

  private Path dir;
  private List<TestDatabase> replicas;
  private SettlingReplicas space;
  private List<ChinookWorkload.Database> databases;
  private ChinookWorkload shop;

  @BeforeTry
  void setUp() throws Exception {
    dir = Files.createTempDirectory("lattice-chinook-numbering");
    Path original = ChinookTest.copyOfChinook(dir);
    replicas = new ArrayList<>();
    databases = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Files.copy(original, dir.resolve(i + ".db"));
      TestDatabase db = TestDatabase.create(dir, i + ".db", "PRAGMA foreign_keys = ON");
      for (String table : ChinookWorkload.TABLES) {
        db.replica().track(table, TrackOptions.DEFAULT.numberedForSync());
      }
      replicas.add(db);
      databases.add(new ChinookWorkload.Database() {
        @Override
        public void exec(String sql) throws SQLException {
          db.exec(sql);
        }

        @Override
        public List<List<Object>> query(String sql) throws SQLException {
          return db.query(sql);
        }
      });
    }
    space = new SettlingReplicas(replicas);
    shop = new ChinookWorkload();
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
  Arbitrary<List<ChinookWorkload.Action>> actions() {
    Arbitrary<Integer> replica = Arbitraries.integers().between(0, 2);
    List<Tuple2<Integer, Arbitrary<ChinookWorkload.Action>>> all = new ArrayList<>(ChinookWorkload.edits(3));
    all.add(ChinookWorkload.weighted(3, Combinators.combine(replica, replica).as(Sync::new)));
    all.add(ChinookWorkload.weighted(2, Combinators.combine(replica, replica).as(Deliver::new)));
    return Arbitraries.frequencyOf(all).list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 40)
  void everyRowKept_everyReferenceIntact_andTheReplicasConverge(
      @ForAll("actions") List<ChinookWorkload.Action> actions) throws Exception {
    for (ChinookWorkload.Action action : actions) {
      if (action instanceof Sync s) {
        space.sync(s.a(), s.b());
      } else if (action instanceof Deliver d) {
        space.deliver(d.from(), d.to());
      } else {
        shop.edit(action, databases);
      }
    }
    for (int round = 0; round < 2; round++) {
      space.sync(1, 0);
      space.sync(2, 0);
    }
    TestDatabase first = replicas.get(0);
    for (TestDatabase db : replicas) {
      for (String table : ChinookWorkload.TABLES) {
        assertEquals(first.query("SELECT * FROM " + table + " ORDER BY 1"), db.query("SELECT * FROM " + table
            + " ORDER BY 1"), table + " on " + db.file());
      }
      assertEquals(first.replica().versionVector(), db.replica().versionVector());
      assertEquals(first.replica().merkleRoot(), db.replica().merkleRoot());
    }
    shop.assertIntact(databases.get(0));
  }
}
