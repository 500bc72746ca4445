package dev.lattice.sync.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.MergeResult;
import dev.lattice.driver.Replica;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.serving.PeerHost;
import dev.lattice.sync.serving.PeerServer;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncReport;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, crashes: a {@link Victim} process is killed with SIGKILL at a random moment of each kind of work, then its
 * database is reopened here and must show that nothing committed was lost, nothing is half-applied and nothing
 * applied twice, and that it converges with a peer after the restart.
 *
 * <p>After each kill: {@code PRAGMA integrity_check} is ok; the workload's markers are a prefix 0..k-1 of its
 * transactions that includes every acknowledged one (at most one more: committed, killed before acknowledging), and
 * the tables equal the model replayed to k transactions from the seed; the cells the replica reports match its tables
 * ({@link Audit#metadataMatchesTables}); after a merge or a sync was killed, the peer's cells the victim holds are
 * exactly those its version vector covers; a write after the restart gets fresh sequence numbers; a sync with a peer
 * leaves both with the same rows, cells, vectors and Merkle roots; a second sync moves nothing.
 *
 * <p>Seeds: one master seed, printed, decides every kill's workload seed and delay; {@code -Dlattice.crash.seed=N}
 * replays a run, {@code -Dlattice.crash.kills=N} sets the kills per role (5 by default).
 */
class CrashHarnessTest {
  private static final long SEED = Long.getLong("lattice.crash.seed", new SecureRandom().nextLong());
  private static final int KILLS = Integer.getInteger("lattice.crash.kills", 5);
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final List<String> SUMMARY = new ArrayList<>();
  private static final long STARTED = System.nanoTime();

  @TempDir static Path templates;
  @TempDir Path dir;

  private static Path victimTemplate;
  private static Path peerTemplate;

  @BeforeAll
  static void templates() throws Exception {
    System.out.println("crash harness: seed " + SEED + " (replay with -Dlattice.crash.seed=" + SEED + "), " + KILLS
        + " kills per role");
    victimTemplate = create(templates.resolve("victim.db"));
    peerTemplate = create(templates.resolve("peer.db"));
  }

  @AfterAll
  static void summary() {
    SUMMARY.forEach(System.out::println);
    System.out.printf("crash harness: %d s in all, seed %d%n", (System.nanoTime() - STARTED) / 1_000_000_000L, SEED);
  }

  // --- roles

  @Test
  void killedWhileWritingTransactions_losesNoAcknowledgedCommit_andHalfAppliesNone() throws Exception {
    Tally tally = new Tally("writes");
    Random random = roleRandom("writes");
    for (int k = 0; k < KILLS; k++) {
      long seed = random.nextLong();
      Path db = copy(victimTemplate, "writes-" + k);
      Run run = launch("writes", db, seed, List.of());
      tally.count(run.kill(random, 300, 1800, null));
      recoverWriter(db, seed, Roles.WRITES_SHAPE, run, tally);
    }
    tally.report();
  }

  @Test
  void killedWhileMigratingTheSchema_leavesEitherTheOldOrTheNewSchema_andCaptureFollows() throws Exception {
    Tally tally = new Tally("migrate");
    Random random = roleRandom("migrate");
    for (int k = 0; k < KILLS; k++) {
      long seed = random.nextLong();
      Path db = copy(victimTemplate, "migrate-" + k);
      Run run = launch("migrate", db, seed, List.of());
      tally.count(run.kill(random, 800, 3500, null));
      int inFlight = run.acknowledged(); // transactions 3, 5 and 6 of every 9 change the schema
      if (run.killed && Set.of(3, 5, 6).contains(inFlight % 9)) {
        tally.inside++;
      }
      recoverWriter(db, seed, Roles.MIGRATE_SHAPE, run, tally);
    }
    tally.report();
  }

  @Test
  void killedWhileFoldingALongLog_leavesTheLogOrItsFold_neverHalfOfIt() throws Exception {
    Tally tally = new Tally("fold");
    Random random = roleRandom("fold");
    for (int k = 0; k < KILLS; k++) {
      long seed = random.nextLong();
      Path db = copy(victimTemplate, "fold-" + k);
      Run run = launch("fold", db, seed, List.of());
      tally.count(run.kill(random, 0, 50, "F+")); // a fold of ~20,000 log rows takes ~40 ms here
      List<String> journal = run.journal();
      if (run.killed && journal.get(journal.size() - 1).equals("F+")) {
        tally.inside++;
      }
      recoverWriter(db, seed, Roles.FOLD_SHAPE, run, tally);
    }
    tally.report();
  }

  @Test
  void killedWhileDroppingTombstones_dropsThemWholeOrNotAtAll_andConverges() throws Exception {
    Tally tally = new Tally("compact");
    Random random = roleRandom("compact");
    for (int k = 0; k < KILLS; k++) {
      long seed = random.nextLong();
      Path db = copy(victimTemplate, "compact-" + k);
      Run run = launch("compact", db, seed, List.of());
      tally.count(run.kill(random, 300, 1800, null));
      List<String> journal = run.journal();
      // A kill may come before the victim's first transaction (a loaded machine starts JVMs slowly): no line yet.
      if (run.killed && !journal.isEmpty() && journal.get(journal.size() - 1).equals("C+")) {
        tally.inside++;
      }
      journal.stream().filter(line -> line.startsWith("C- ")).forEach(line -> tally.dropped += Long.parseLong(
          line.substring(3)));
      try (Connection c = driver(db)) {
        Audit.integrity(c, run.what());
        assertEquals(0, Audit.tombstonesAtOrBelowTheStablePoint(c), run.what()
            + ": the stable point was raised without its tombstones dropped");
      }
      recoverWriter(db, seed, Roles.WRITES_SHAPE, run, tally);
    }
    tally.report();
  }

  @Test
  void killedWhileMerging_keepsWholeBatchesOnly_andResumes() throws Exception {
    Tally tally = new Tally("merge");
    Random random = roleRandom("merge");
    long localSeed = random.nextLong();
    Path victim = local(templates.resolve("merge-victim.db"), localSeed);
    Path source = source(templates.resolve("merge-source.db"), random.nextLong());
    for (int k = 0; k < KILLS; k++) {
      Path db = copy(victim, "merge-" + k);
      Path from = copy(source, "merge-source-" + k);
      Run run = launch("merge", db, 0, List.of(from.toString()));
      tally.count(run.kill(random, 0, 450, "B")); // ~50 batches, ~15 ms each here
      try (Connection c = driver(db); Connection peer = driver(from)) {
        String what = run.what();
        tally.partly(run, Replica.of(c).versionVector(), Replica.of(peer).versionVector(), Replica.of(peer).siteId());
        Audit.integrity(c, what);
        checkModel(c, "v", localSeed, Workload.SMALL, LOCAL_TRANSACTIONS, LOCAL_TRANSACTIONS, what);
        Map<String, Change> cells = Audit.metadataMatchesTables(c, what);
        heldExactlyAsCovered(cells, Audit.cells(peer), Replica.of(c).versionVector(), Replica.of(peer).siteId(), what);
        converge(c, peer, what);
      }
      tally.recovered();
    }
    tally.report();
  }

  @Test
  void killedAskingInASyncSession_keepsWholeBatchesOnly_andTheNextSessionConverges() throws Exception {
    Tally tally = new Tally("asker");
    Random random = roleRandom("asker");
    long localSeed = random.nextLong();
    Path victim = local(templates.resolve("asker-victim.db"), localSeed);
    Path source = source(templates.resolve("asker-host.db"), random.nextLong());
    for (int k = 0; k < KILLS; k++) {
      Path db = copy(victim, "asker-" + k);
      Path hostDb = copy(source, "asker-host-" + k);
      SyncOptions options = SyncOptions.DEFAULTS.withBatchCells(Roles.BATCH_CELLS);
      try (ReplicaStore hostStore = ReplicaStore.open("jdbc:sqlite:" + hostDb, Encryption.off())) {
        SiteId hostSite = hostStore.replica().siteId();
        try (PeerHost host = PeerHost.start(hostStore, PeerServer.Options.defaults(), options)) {
          Run run = launch("asker", db, 0, List.of(host.uri().toString()));
          tally.count(run.kill(random, 700, 2300, null));
          String what = run.what();
          try (Connection c = driver(db); Connection h = driver(hostDb)) {
            Audit.integrity(c, what);
            Audit.integrity(h, what + " (host)");
            checkModel(c, "v", localSeed, Workload.SMALL, LOCAL_TRANSACTIONS, LOCAL_TRANSACTIONS, what);
            Map<String, Change> cells = Audit.metadataMatchesTables(c, what);
            Audit.metadataMatchesTables(h, what + " (host)");
            tally.partly(run, Replica.of(c).versionVector(), Replica.of(h).versionVector(), hostSite);
            heldExactlyAsCovered(cells, Audit.cells(h), Replica.of(c).versionVector(), hostSite, what);
          }
          try (ReplicaStore store = ReplicaStore.open("jdbc:sqlite:" + db, Encryption.off());
              SyncClient client = SyncClient.builder(store, host.uri()).options(options).build()) {
            client.syncNow();
            SyncReport again = client.syncNow();
            assertEquals(0, again.cellsSent() + again.cellsReceived(), what + ": a second session moved " + again);
          }
          try (Connection c = driver(db); Connection h = driver(hostDb)) {
            assertConverged(c, h, what);
          }
        }
      }
      tally.recovered();
    }
    tally.report();
  }

  @Test
  void killedServingLivePeers_losesNoAcknowledgedCommit_andThePeerCatchesUpAfterRestart() throws Exception {
    Tally tally = new Tally("host");
    Random random = roleRandom("host");
    Path device = source(templates.resolve("host-device.db"), random.nextLong());
    for (int k = 0; k < KILLS; k++) {
      long seed = random.nextLong();
      Path db = copy(victimTemplate, "host-" + k);
      Path deviceDb = copy(device, "host-device-" + k);
      Run run = launch("host", db, seed, List.of());
      URI uri = URI.create(run.await("U ").substring(2));
      AtomicBoolean writing = new AtomicBoolean(true);
      try (ReplicaStore store = ReplicaStore.open("jdbc:sqlite:" + deviceDb, Encryption.off());
          SyncClient client = SyncClient.builder(store, uri).retry(Duration.ofMillis(50), Duration.ofMillis(200))
              .options(SyncOptions.DEFAULTS.withBatchCells(Roles.BATCH_CELLS)).build();
          Connection app = driver(deviceDb)) {
        client.start();
        Workload live = new Workload("e", seed, Workload.SMALL, false);
        Thread writer = new Thread(() -> {
          try {
            while (writing.get()) {
              Workload.run(app, live.nextTransaction());
              Thread.sleep(15);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        writer.start();
        tally.count(run.kill(random, 700, 3000, "U "));
        writing.set(false);
        writer.join();
        client.stop();
      }
      String what = run.what();
      try (Connection c = driver(db); Connection peer = driver(deviceDb)) {
        Workload model = checkModel(c, "v", seed, Workload.SMALL, run.acknowledged(), -1, what);
        Map<String, Change> cells = Audit.metadataMatchesTables(c, what);
        SiteId deviceSite = Replica.of(peer).siteId();
        VersionVector held = Replica.of(c).versionVector();
        for (Change change : Audit.cells(peer).values()) {
          if (change.site().equals(deviceSite) && held.covers(deviceSite, change.seq())) {
            assertEquals(change, cells.get(Audit.cellKey(change)), what + ": a covered cell is missing or differs");
          }
        }
        writeAfterRestart(c, model, what);
        converge(c, peer, what);
      }
      tally.recovered();
    }
    tally.report();
  }

  // --- checks

  /** The checks after a killed writer, then a write, then convergence with a fresh peer. */
  private void recoverWriter(Path db, long seed, Workload.Shape shape, Run run, Tally tally) throws Exception {
    String what = run.what();
    try (Connection c = driver(db)) {
      Workload model = checkModel(c, "v", seed, shape, run.acknowledged(), -1, what);
      Audit.metadataMatchesTables(c, what);
      writeAfterRestart(c, model, what);
      try (Connection peer = peer(model.hasD(), seed)) {
        converge(c, peer, what);
      }
    }
    tally.recovered();
  }

  /**
   * Checks integrity, then that the committed transactions of writer {@code prefix} are 0..k-1 with every acknowledged
   * one among them (and exactly {@code expected} of them unless it is -1), and that the tables hold the model's rows.
   */
  private static Workload checkModel(Connection c, String prefix, long seed, Workload.Shape shape, int acknowledged,
      int expected, String what) throws SQLException {
    Audit.integrity(c, what);
    TreeMap<String, Long> markers = new TreeMap<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id, ops FROM tx")) {
      while (r.next()) {
        if (r.getString(1).startsWith(prefix + ":")) {
          markers.put(r.getString(1), r.getLong(2));
        }
      }
    }
    int committed = markers.size();
    if (committed < acknowledged) {
      throw new AssertionError(what + ": LOST " + (acknowledged - committed) + " acknowledged transactions: "
          + acknowledged + " acknowledged, " + committed + " in the database");
    }
    assertTrue(committed <= acknowledged + 1, what + ": " + committed + " transactions committed but only "
        + acknowledged + " acknowledged; at most one can be committed and not yet acknowledged");
    if (expected >= 0) {
      assertEquals(expected, committed, what + ": transactions of " + prefix);
    }
    Workload model = new Workload(prefix, seed, shape, false).replay(committed);
    assertEquals(model.tx, markers, what + ": the markers are not transactions 0.." + (committed - 1));
    assertEquals(model.hasD(), Audit.columns(c, "t").contains("d"), what + ": schema after " + committed);
    assertEquals(model.modelRows(), Workload.tableRows(c, prefix),
        what + ": the rows are not those of the first " + committed + " transactions");
    return model;
  }

  /**
   * The victim holds every cell of the source's site that its vector covers, as the source holds it, and no cell of
   * that site the source does not hold as such (a row's entry may carry column versions above the vector: it travels
   * whole).
   */
  private static void heldExactlyAsCovered(Map<String, Change> victim, Map<String, Change> source,
      VersionVector held, SiteId site, String what) {
    long covered = 0;
    for (Change change : source.values()) {
      if (change.site().equals(site) && held.covers(site, change.seq())) {
        covered++;
        assertEquals(change, victim.get(Audit.cellKey(change)), what + ": a cell its vector covers is missing"
            + " or differs (vector " + held.get(site) + ")");
      }
    }
    for (Change change : victim.values()) {
      if (change.site().equals(site)) {
        assertEquals(source.get(Audit.cellKey(change)), change, what + ": holds a cell the source does not");
      }
    }
    assertTrue(covered <= victim.size(), what);
  }

  /** One more transaction after the restart: its versions are new ones, above everything held before. */
  private static void writeAfterRestart(Connection c, Workload model, String what) throws SQLException {
    SiteId self = Replica.of(c).siteId();
    long before = Replica.of(c).versionVector().get(self);
    Workload.run(c, model.nextTransaction());
    Map<String, Change> cells = Audit.metadataMatchesTables(c, what + " (after a write on restart)");
    assertTrue(Audit.highestSeq(cells, self) > before, what + ": the write after restart got no new version");
    assertEquals(model.modelRows(), Workload.tableRows(c, "v"), what + ": the write after restart");
  }

  /** Syncs both ways, asserts convergence, and that a second sync applies nothing. */
  private static void converge(Connection a, Connection b, String what) throws SQLException {
    Replica.of(a).syncWith(Replica.of(b));
    assertConverged(a, b, what);
    MergeResult again = Replica.of(a).syncWith(Replica.of(b));
    assertEquals(0, again.cellsApplied(), what + ": a second sync applied " + again);
  }

  private static void assertConverged(Connection a, Connection b, String what) throws SQLException {
    assertEquals(Workload.tableRows(b, ""), Workload.tableRows(a, ""), what + ": rows differ after sync");
    assertEquals(Audit.metadataMatchesTables(b, what + " (peer)"), Audit.metadataMatchesTables(a, what),
        what + ": cells differ after sync");
    assertEquals(Replica.of(b).versionVector(), Replica.of(a).versionVector(), what + ": vectors differ");
    assertEquals(Replica.of(b).merkleRoot(), Replica.of(a).merkleRoot(), what + ": Merkle roots differ");
  }

  // --- databases

  private static final int LOCAL_TRANSACTIONS = 20;

  /** A database with t and tx tracked and nothing else; its site id is made here, so each template has its own. */
  private static Path create(Path file) throws SQLException {
    try (Connection c = driver(file); Statement s = c.createStatement()) {
      s.execute(Workload.CREATE_T);
      s.execute(Workload.CREATE_TX);
      Replica.of(c).track("t");
      Replica.of(c).track("tx");
    }
    return file;
  }

  /** A database holding {@value #LOCAL_TRANSACTIONS} small transactions of writer v. */
  private static Path local(Path file, long seed) throws SQLException {
    create(file);
    try (Connection c = driver(file)) {
      Workload w = new Workload("v", seed, Workload.SMALL, false);
      for (int i = 0; i < LOCAL_TRANSACTIONS; i++) {
        Workload.run(c, w.nextTransaction());
      }
    }
    return file;
  }

  /** A database of writer s, 20,000 rows: enough for a merge of many batches. */
  private static Path source(Path file, long seed) throws SQLException {
    create(file);
    try (Connection c = driver(file)) {
      Workload w = new Workload("s", seed, new Workload.Shape(30_000, 1, 4, 20_000, false), false);
      for (int i = 0; i < 5; i++) {
        Workload.run(c, w.nextTransaction());
      }
    }
    return file;
  }

  /** A fresh peer with writes of its own, on the schema the victim ended with. */
  private Connection peer(boolean hasD, long seed) throws SQLException, IOException {
    Connection c = driver(copy(peerTemplate, "peer-" + System.nanoTime()));
    if (hasD) {
      try (Statement s = c.createStatement()) {
        s.execute(Workload.ADD_D);
      }
    }
    Workload w = new Workload("p", seed, Workload.SMALL, hasD);
    for (int i = 0; i < 20; i++) {
      Workload.run(c, w.nextTransaction());
    }
    return c;
  }

  private static Connection driver(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:lattice:sqlite:" + file);
  }

  private Path copy(Path template, String name) throws IOException {
    return Files.copy(template, dir.resolve(name + ".db"));
  }

  private static Random roleRandom(String role) {
    return new Random(SEED ^ role.hashCode());
  }

  // --- the victim process

  private Run launch(String role, Path db, long seed, List<String> extra) throws IOException {
    Path journal = dir.resolve(db.getFileName() + ".journal");
    Path log = dir.resolve(db.getFileName() + ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        Victim.class.getName(), role, db.toString(), Long.toString(seed), journal.toString()));
    command.addAll(extra);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Run(role, db, seed, process, journal, log);
  }

  /** A victim process and what it left behind. */
  private static final class Run {
    final String role;
    final Path db;
    final long seed;
    final Process process;
    final Path journal;
    final Path log;
    long delay;
    boolean killed;

    Run(String role, Path db, long seed, Process process, Path journal, Path log) {
      this.role = role;
      this.db = db;
      this.seed = seed;
      this.process = process;
      this.journal = journal;
      this.log = log;
    }

    /** Waits for a journal line starting with {@code prefix} and returns it. */
    String await(String prefix) throws Exception {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (System.nanoTime() < deadline) {
        for (String line : journal()) {
          if (line.startsWith(prefix)) {
            return line;
          }
        }
        failIfDied();
        Thread.sleep(5);
      }
      throw new AssertionError(what() + ": no journal line " + prefix + " within " + PATIENCE + "; " + output());
    }

    /**
     * Once the journal exists (and holds a line starting with {@code after}, if given), waits a random delay in
     * [{@code min}, {@code max}) ms and kills the victim with SIGKILL; returns false if it had finished first.
     */
    boolean kill(Random random, int min, int max, String after) throws Exception {
      delay = min + random.nextInt(max - min);
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (!Files.exists(journal) && System.nanoTime() < deadline) {
        failIfDied();
        Thread.sleep(5);
      }
      if (after != null) {
        await(after);
      }
      Thread.sleep(delay);
      boolean alive = process.isAlive();
      killed = alive;
      process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks, no close()
      process.waitFor();
      if (!alive && process.exitValue() != 0) {
        throw new AssertionError(what() + ": the victim failed on its own: " + output());
      }
      List<String> lines = journal();
      String fold = lines.stream().filter(line -> line.startsWith("F- ")).reduce((x, y) -> y).orElse("");
      System.out.printf("crash harness: %s %s after %d ms; journal: %d lines, last %s %s%n",
          alive ? "killed" : "finished", db.getFileName(), delay, lines.size(),
          lines.isEmpty() ? "-" : lines.get(lines.size() - 1), fold);
      return alive;
    }

    private void failIfDied() throws IOException {
      if (!process.isAlive() && process.exitValue() != 0) {
        throw new AssertionError(what() + ": the victim failed on its own: " + output());
      }
    }

    List<String> journal() throws IOException {
      return Files.exists(journal) ? Files.readAllLines(journal) : List.of();
    }

    /** How many workload transactions the victim acknowledged, checking they were 0, 1, 2... */
    int acknowledged() throws IOException {
      int count = 0;
      for (String line : journal()) {
        if (line.startsWith("T ")) {
          assertEquals("T " + count, line, what() + ": journal out of order");
          count++;
        }
      }
      return count;
    }

    String what() {
      return role + " killed after " + delay + " ms (workload seed " + seed + ", harness seed " + SEED + ", "
          + db.getFileName() + ")";
    }

    private String output() throws IOException {
      return Files.exists(log) ? Files.readString(log) : "(no output)";
    }
  }

  /** Per role: kills that landed while the victim worked, recoveries checked, losses (must stay 0). */
  private static final class Tally {
    final String role;
    int kills;
    int finishedFirst;
    int recoveries;
    long inside;
    long dropped;
    final long started = System.nanoTime();

    Tally(String role) {
      this.role = role;
    }

    void count(boolean landed) {
      if (landed) {
        kills++;
      } else {
        finishedFirst++;
      }
    }

    /** Counts a kill that left the victim holding part of what the peer had to give. */
    void partly(Run run, VersionVector victim, VersionVector peer, SiteId site) {
      if (run.killed && victim.get(site) > 0 && victim.get(site) < peer.get(site)) {
        inside++;
      }
    }

    void recovered() {
      recoveries++;
    }

    void report() {
      String line = String.format("crash harness: role %-8s kills %d (finished before the kill %d), recoveries %d,"
              + " losses 0%s, %d ms", role, kills, finishedFirst, recoveries,
          switch (role) {
            case "fold" -> ", killed inside a fold " + inside;
            case "compact" -> ", killed inside a compaction " + inside + ", tombstones dropped " + dropped;
            case "migrate" -> ", killed with a migration in flight " + inside;
            case "merge", "asker" -> ", killed with part of the peer's changes applied " + inside;
            default -> "";
          },
          (System.nanoTime() - started) / 1_000_000);
      synchronized (SUMMARY) {
        SUMMARY.add(line);
      }
    }
  }
}
