package dev.lattice.bench;

import static dev.lattice.bench.BenchSupport.argument;
import static dev.lattice.bench.BenchSupport.deleteTree;
import static dev.lattice.bench.BenchSupport.exec;
import static dev.lattice.bench.BenchSupport.expect;
import static dev.lattice.bench.BenchSupport.millisSince;
import static dev.lattice.bench.BenchSupport.number;
import static dev.lattice.bench.BenchSupport.oneLong;
import static dev.lattice.bench.BenchSupport.oneString;
import static dev.lattice.bench.BenchSupport.scratchDirectory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lattice.driver.capture.CaptureOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.sqlite.SQLiteException;

/**
 * Short transactions through a connection pool, as applications run them: a TPC-C-like and YCSB-like workloads, from
 * 1 and from 4 threads, through HikariCP ({@code autoCommit=false}) on three sides measured in the same round:
 * raw sqlite-jdbc on untracked tables (plain), the Lattice driver with every table it can track tracked (tracked),
 * and the Lattice driver with nothing tracked (driver: the floor, what the wrapper alone costs).
 *
 * <p>Every round copies fresh files for each side from templates loaded once, then runs each side for short slices in
 * turn, the order rotating slice by slice, so that a neighbour's busy second falls on every side. The tracked side's
 * time includes a final {@code lattice_fold()} of what its run left in the log. After the round each side's row
 * counts must match what its committed transactions did, and the tracked side's log must hold exactly one entry for
 * each row write of those transactions, folded into a live row clock for every row. See bench/README.md.
 */
public final class TransactionsBench {
  static final String USAGE = """
      usage: bench/run transactions [--rounds N] [--warmup N] [--seconds S] [--slices N] [--threads LIST]
                                    [--workloads LIST] [--records N] [--insert-share P] [--customers N]
                                    [--items N] [--warehouses N] [--fold-threshold N] [--pending N]
        --rounds N           measured rounds; figures are medians of rounds (default 5)
        --warmup N           rounds run first and not counted (default 1)
        --seconds S          time each side runs each workload x threads in a round (default 2; decimals allowed)
        --slices N           that time is cut into N slices, the sides taking turns (default 4)
        --threads LIST       thread counts, comma-separated; the pool has as many connections (default 1,4)
        --workloads LIST     tpcc, ycsb-a, ycsb-b, comma-separated (default all three)
        --records N          YCSB records loaded (default 50000)
        --insert-share P     YCSB inserts, percent of transactions (default 5)
        --customers N        TPC-C customers per district (default 300; TPC-C has 3000)
        --items N            TPC-C items, and stock rows per warehouse (default 10000; TPC-C has 100000)
        --warehouses N       TPC-C warehouses (default 1)
        --fold-threshold N   lattice.foldThreshold of both driver sides (default: the driver's default)
        --pending N          log rows pending on the tracked side when each round starts, written beforehand by the
                             workload's own writing transactions on every side (default: half the fold threshold,
                             where a long-running application is on average)""";

  private static final long SEED = 20_261_201L;
  private static final long HISTORY_SEED = 19_700_101L;
  private static final double TARGET = 0.70;
  /** Attempts of one transaction before it is abandoned (and counted as such). */
  private static final int MAX_ATTEMPTS = 100;

  /** The three sides of every figure. */
  enum Side {
    PLAIN("plain", "jdbc:sqlite:"),
    DRIVER("driver", "jdbc:lattice:sqlite:"),
    TRACKED("tracked", "jdbc:lattice:sqlite:");

    final String label;
    final String prefix;

    Side(String label, String prefix) {
      this.label = label;
      this.prefix = prefix;
    }
  }

  /** The six orders of three sides; slice k of round r runs in order (r * slices + k) mod 6. */
  private static final Side[][] ORDERS = {
    {Side.PLAIN, Side.DRIVER, Side.TRACKED}, {Side.TRACKED, Side.PLAIN, Side.DRIVER},
    {Side.DRIVER, Side.TRACKED, Side.PLAIN}, {Side.PLAIN, Side.TRACKED, Side.DRIVER},
    {Side.DRIVER, Side.PLAIN, Side.TRACKED}, {Side.TRACKED, Side.DRIVER, Side.PLAIN},
  };

  record Options(int rounds, int warmup, double seconds, int slices, List<Integer> threads, List<String> workloads,
      int records, int insertShare, int customers, int items, int warehouses, Integer foldThreshold,
      Integer pending) {

    int threshold() {
      return foldThreshold != null ? foldThreshold : CaptureOptions.DEFAULT_FOLD_THRESHOLD;
    }

    int pendingAtStart() {
      return pending != null ? pending : threshold() / 2;
    }

    /** Parses the command line; null for --help. */
    static Options parse(String[] args) {
      int rounds = 5;
      int warmup = 1;
      double seconds = 2;
      int slices = 4;
      List<Integer> threads = List.of(1, 4);
      List<String> workloads = List.of("tpcc", "ycsb-a", "ycsb-b");
      int records = 50_000;
      int insertShare = 5;
      int customers = 300;
      int items = 10_000;
      int warehouses = 1;
      Integer foldThreshold = null;
      Integer pending = null;
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        switch (option) {
          case "-h", "--help" -> {
            return null;
          }
          case "--rounds" -> rounds = number(option, argument(args, ++i, option), 1);
          case "--warmup" -> warmup = number(option, argument(args, ++i, option), 0);
          case "--seconds" -> {
            String value = argument(args, ++i, option);
            try {
              seconds = Double.parseDouble(value);
            } catch (NumberFormatException e) {
              seconds = -1;
            }
            if (!(seconds > 0)) {
              throw new IllegalArgumentException("--seconds takes a positive number, not '" + value + "'");
            }
          }
          case "--slices" -> slices = number(option, argument(args, ++i, option), 1);
          case "--threads" -> {
            List<Integer> list = new ArrayList<>();
            for (String n : argument(args, ++i, option).split(",")) {
              list.add(number(option, n.trim(), 1));
            }
            threads = List.copyOf(list);
          }
          case "--workloads" -> {
            List<String> list = new ArrayList<>();
            for (String name : argument(args, ++i, option).split(",")) {
              String w = name.trim();
              if (!List.of("tpcc", "ycsb-a", "ycsb-b").contains(w)) {
                throw new IllegalArgumentException("--workloads takes tpcc, ycsb-a and ycsb-b, not '" + w + "'");
              }
              list.add(w);
            }
            workloads = List.copyOf(list);
          }
          case "--records" -> records = number(option, argument(args, ++i, option), 100);
          case "--insert-share" -> {
            insertShare = number(option, argument(args, ++i, option), 0);
            if (insertShare > 100) {
              throw new IllegalArgumentException("--insert-share takes a percentage, 0 to 100");
            }
          }
          case "--customers" -> customers = number(option, argument(args, ++i, option), 10);
          case "--items" -> items = number(option, argument(args, ++i, option), 100);
          case "--warehouses" -> warehouses = number(option, argument(args, ++i, option), 1);
          case "--fold-threshold" -> foldThreshold = number(option, argument(args, ++i, option), 0);
          case "--pending" -> pending = number(option, argument(args, ++i, option), 0);
          default -> throw new IllegalArgumentException("unknown option '" + option + "'");
        }
      }
      return new Options(rounds, warmup, seconds, slices, threads, workloads, records, insertShare, customers, items,
          warehouses, foldThreshold, pending);
    }
  }

  /** What one side did in one workload x threads cell of a round. */
  private static final class Run {
    long commits;
    long attempts;
    long abandoned;
    double millis;
    double foldMillis;
    long captured;
    final Map<String, Long> failures = new ConcurrentHashMap<>();

    void fail(SQLException e) {
      failures.merge(code(e), 1L, Long::sum);
    }

    long failed() {
      return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    double perSecond() {
      return commits * 1000.0 / millis;
    }
  }

  /** Failed attempts and commits of one side, summed over the counted rounds of one cell. */
  private static final class FailureTally {
    long commits;
    long attempts;
    long abandoned;
    final Map<String, Long> byCode = new TreeMap<>();

    void add(Run run) {
      commits += run.commits;
      attempts += run.attempts;
      abandoned += run.abandoned;
      run.failures.forEach((code, n) -> byCode.merge(code, n, Long::sum));
    }
  }

  private final Options options;
  private final Path dir;
  private final List<TxWorkload> workloads = new ArrayList<>();
  /** Files each round copies, by workload: the plain one (both untracked sides start from it) and the tracked one. */
  private final Map<String, Path> plainTemplates = new LinkedHashMap<>();
  private final Map<String, Path> trackedTemplates = new LinkedHashMap<>();
  private final Map<String, Figure> tracked = new LinkedHashMap<>();
  private final Map<String, Figure> floor = new LinkedHashMap<>();
  private final Map<String, Stats> foldShare = new LinkedHashMap<>();
  private final Map<String, Map<Side, FailureTally>> failures = new LinkedHashMap<>();
  /** What {@code lattice_track} says about TPC-C's history table, which has no primary key. */
  private String refusal;

  private TransactionsBench(Options options, Path dir) {
    this.options = options;
    this.dir = dir;
    for (String name : options.workloads()) {
      workloads.add(switch (name) {
        case "tpcc" -> new Tpcc(options.warehouses(), options.customers(), options.items());
        case "ycsb-a" -> Ycsb.a(options.records(), options.insertShare());
        default -> Ycsb.b(options.records(), options.insertShare());
      });
    }
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("transactions: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(USAGE);
      return;
    }
    Path dir = scratchDirectory("lattice-transactions-");
    new TransactionsBench(options, dir).run();
  }

  private void run() throws Exception {
    String settings = loadTemplates();
    System.out.println(header(settings));
    System.out.flush();
    for (TxWorkload w : workloads) {
      for (int threads : options.threads()) {
        String key = cellKey(w, threads);
        tracked.put(key, new Figure(w.name(), Integer.toString(threads), Figure.Kind.THROUGHPUT, TARGET));
        floor.put(key, new Figure(w.name(), Integer.toString(threads), Figure.Kind.THROUGHPUT, Double.NaN));
        foldShare.put(key, new Stats());
        Map<Side, FailureTally> bySide = new EnumMap<>(Side.class);
        for (Side side : Side.values()) {
          bySide.put(side, new FailureTally());
        }
        failures.put(key, bySide);
      }
    }
    for (int round = -options.warmup(); round < options.rounds(); round++) {
      for (TxWorkload w : workloads) {
        for (int threads : options.threads()) {
          cell(w, threads, round);
        }
      }
    }
    printTables();
  }

  // Files.

  /**
   * Loads each workload base once into a plain file, and copies it into a tracked one on which every trackable table is
   * tracked and the log folded; then gives each workload its own copies of both with the same history written on
   * them (see {@link #history}). Returns the settings read back from a pooled connection of each side.
   */
  private String loadTemplates() throws SQLException, IOException {
    Path templates = Files.createDirectory(dir.resolve("templates"));
    String settings = null;
    Map<String, Path[]> bases = new LinkedHashMap<>();
    for (TxWorkload w : workloads) {
      Path[] base = bases.get(w.base());
      if (base == null) {
        base = loadBase(templates, w);
        bases.put(w.base(), base);
      }
      Path plain = templates.resolve(w.name() + "-plain.db");
      Path trackedFile = templates.resolve(w.name() + "-tracked.db");
      Files.copy(base[0], plain);
      Files.copy(base[1], trackedFile);
      long start = System.nanoTime();
      long written = history(plain, w);
      expect(written, history(trackedFile, w), w.name() + ": history written on both sides");
      try (Connection c = DriverManager.getConnection(Side.PLAIN.prefix + trackedFile, fileProperties())) {
        expect(written, oneLong(c, "SELECT count(*) FROM lattice_log WHERE op <> 0"), w.name()
            + ": log rows pending in the tracked template");
      }
      System.err.printf(Locale.ROOT, "%s: %,d log rows of history written on both sides, %,.0f ms%n", w.name(), written,
          millisSince(start));
      plainTemplates.put(w.name(), plain);
      trackedTemplates.put(w.name(), trackedFile);
      if (settings == null) {
        settings = settings(templates, w.name());
      }
    }
    return settings;
  }

  /** The plain and the tracked file of a workload base, loaded. */
  private Path[] loadBase(Path templates, TxWorkload w) throws SQLException, IOException {
    Path plain = templates.resolve(w.base() + "-base-plain.db");
    long start = System.nanoTime();
    try (Connection c = DriverManager.getConnection(Side.PLAIN.prefix + plain, fileProperties())) {
      c.setAutoCommit(false);
      w.load(c);
      c.commit();
      c.setAutoCommit(true);
      exec(c, "ANALYZE");
      checkpoint(c);
    }
    double loadMs = millisSince(start);
    Path trackedFile = templates.resolve(w.base() + "-base-tracked.db");
    Files.copy(plain, trackedFile);
    start = System.nanoTime();
    long rows = 0;
    try (Connection c = DriverManager.getConnection(Side.TRACKED.prefix + trackedFile, driverProperties())) {
      for (String table : w.trackedTables()) {
        oneString(c, "SELECT lattice_track('" + table + "')");
        rows += oneLong(c, "SELECT count(*) FROM " + table);
      }
      if (w instanceof Tpcc) {
        refusal = refusal(c, Tpcc.untrackable());
      }
      oneLong(c, "SELECT lattice_fold()");
      expect(rows, oneLong(c, "SELECT count(*) FROM lattice_rows WHERE cl % 2 = 1"),
          "row clocks of the tracked template of " + w.base());
    }
    // The first driver open after lattice_track records the schema it follows (and folds): let the template have had
    // it, so that no side's pool does it on the file.
    try (Connection c = DriverManager.getConnection(Side.TRACKED.prefix + trackedFile, driverProperties())) {
      checkpoint(c);
    }
    System.err.printf(Locale.ROOT, "loaded %s: %,.0f ms (%.1f MB); tracked: %,.0f ms (%.1f MB, %,d rows tracked)%n",
        w.base(), loadMs, Files.size(plain) / 1e6, millisSince(start), Files.size(trackedFile) / 1e6, rows);
    return new Path[] {plain, trackedFile};
  }

  /**
   * Writes the workload's history on a template through raw sqlite-jdbc: its writing transactions, from a seed of their
   * own, until they have made {@code --pending} row writes that the tracked side captures. On the tracked file the
   * triggers log them and nothing folds them, so each round starts with that many log rows pending, as a long-running
   * application is on average half-way to its next fold; the plain file gets the same transactions, so the data agree.
   * Returns the captured row writes.
   */
  private long history(Path file, TxWorkload w) throws SQLException {
    TxWorkload.Terminal terminal = w.history(HISTORY_SEED);
    try (Connection c = DriverManager.getConnection(Side.PLAIN.prefix + file, fileProperties())) {
      c.setAutoCommit(false);
      while (terminal.captured() < options.pendingAtStart()) {
        terminal.next();
        if (!w.readOnly(terminal.type())) {
          terminal.run(c);
        }
      }
      c.setAutoCommit(true);
      checkpoint(c);
    }
    return terminal.captured();
  }

  /** Asks Lattice to track a table it must refuse, and returns what it says. */
  private static String refusal(Connection c, String table) throws SQLException {
    try {
      oneString(c, "SELECT lattice_track('" + table + "')");
    } catch (SQLException e) {
      return e.getMessage();
    }
    throw new IllegalStateException("lattice_track('" + table + "') was expected to refuse a table without a primary key");
  }

  /** The settings each side's pooled connections run with, which must agree. */
  private String settings(Path templates, String workload) throws SQLException, IOException {
    Map<Side, String> read = new EnumMap<>(Side.class);
    for (Side side : Side.values()) {
      Path copy = templates.resolve("probe-" + side.label + ".db");
      Files.copy(side == Side.TRACKED ? trackedTemplates.get(workload) : plainTemplates.get(workload), copy);
      try (HikariDataSource pool = pool(side, copy, 1); Connection c = pool.getConnection()) {
        String[] synchronous = {"OFF", "NORMAL", "FULL", "EXTRA"};
        String[] tempStore = {"DEFAULT", "FILE", "MEMORY"};
        read.put(side, "journal_mode=" + oneString(c, "PRAGMA journal_mode").toUpperCase(Locale.ROOT)
            + ", synchronous=" + synchronous[(int) oneLong(c, "PRAGMA synchronous")]
            + ", busy_timeout=" + oneLong(c, "PRAGMA busy_timeout")
            + ", temp_store=" + tempStore[(int) oneLong(c, "PRAGMA temp_store")]
            + ", autoCommit=" + c.getAutoCommit());
        c.rollback();
      } finally {
        BenchSupport.deleteFile(copy);
      }
    }
    if (read.values().stream().distinct().count() != 1) {
      throw new IllegalStateException("the sides run with different settings: " + read);
    }
    return read.get(Side.PLAIN);
  }

  private static void checkpoint(Connection c) throws SQLException {
    expect(0, oneLong(c, "PRAGMA wal_checkpoint(TRUNCATE)"), "busy checkpoint");
  }

  /** The file settings both sides use (the capture bench's, plus the driver's busy timeout on the plain side). */
  private static Properties fileProperties() {
    Properties p = new Properties();
    p.setProperty("journal_mode", "WAL");
    p.setProperty("synchronous", "NORMAL");
    p.setProperty("temp_store", "MEMORY");
    p.setProperty("busy_timeout", "10000");
    return p;
  }

  private Properties driverProperties() {
    Properties p = fileProperties();
    if (options.foldThreshold() != null) {
      p.setProperty("lattice.foldThreshold", options.foldThreshold().toString());
    }
    return p;
  }

  private HikariDataSource pool(Side side, Path file, int size) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("tx-" + side.label);
    config.setJdbcUrl(side.prefix + file);
    config.setAutoCommit(false);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    Properties properties = side == Side.PLAIN ? fileProperties() : driverProperties();
    properties.forEach((k, v) -> config.addDataSourceProperty((String) k, v));
    return new HikariDataSource(config);
  }

  private String header(String settings) {
    String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    String sqlite;
    String sqliteJdbc;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      sqlite = oneString(c, "SELECT sqlite_version()");
      sqliteJdbc = c.getMetaData().getDriverVersion();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    String threshold = options.foldThreshold() != null ? String.format(Locale.ROOT, "%,d", options.foldThreshold())
        : String.format(Locale.ROOT, "%,d (driver default)", CaptureOptions.DEFAULT_FOLD_THRESHOLD);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Lattice transactions benchmark, %s: SQLite %s, sqlite-jdbc %s, HikariCP %s,"
        + " JVM %s, %d cores; rounds: %d + %d warm-up, %s s per side per cell and round in %d slices%n", date, sqlite,
        sqliteJdbc, hikariVersion(), Runtime.version(),
        Runtime.getRuntime().availableProcessors(), options.rounds(), options.warmup(),
        new java.text.DecimalFormat("0.###").format(options.seconds()), options.slices()));
    out.append("All sides: HikariCP, pool size = threads, autoCommit=false, prepared statements prepared per"
        + " transaction, read back: ").append(settings).append('\n');
    out.append("plain = jdbc:sqlite:, nothing tracked; tracked = jdbc:lattice:sqlite:, every table with a primary key"
        + " tracked, fold threshold ").append(threshold).append("; driver = jdbc:lattice:sqlite:, nothing tracked"
        + " (the floor)\n");
    out.append(String.format(Locale.ROOT, "Every round starts from the same files on all sides, with %,d log rows pending"
        + " on the tracked side (history written by the workload's own transactions on every side)%n",
        options.pendingAtStart()));
    for (TxWorkload w : workloads) {
      out.append("  ").append(w.describe()).append('\n');
    }
    if (refusal != null) {
      out.append("lattice_track('").append(Tpcc.untrackable()).append("') refuses: ").append(refusal).append('\n');
    }
    out.append("A failed attempt (SQLITE_BUSY...) is rolled back and retried, up to ").append(MAX_ATTEMPTS)
        .append(" times; tx/s counts commits. Tracked time includes the run's share of a final lattice_fold(). Ratio: side/plain per"
            + " round; median of rounds, range = min-max.");
    return out.toString();
  }

  /** HikariCP's version from its Maven metadata (its manifest does not carry one). */
  private static String hikariVersion() {
    try (var in = HikariConfig.class.getResourceAsStream("/META-INF/maven/com.zaxxer/HikariCP/pom.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "?");
    } catch (IOException e) {
      return "?";
    }
  }

  // Rounds.

  private static String cellKey(TxWorkload w, int threads) {
    return w.name() + "/" + threads;
  }

  /** One workload at one thread count in one round: all three sides on fresh copies of the templates. */
  private void cell(TxWorkload w, int threads, int round) throws Exception {
    Path files = Files.createDirectory(dir.resolve("r" + (round + options.warmup()) + "-" + w.name() + "-" + threads));
    Map<Side, Path> file = new EnumMap<>(Side.class);
    Map<Side, Map<String, Long>> before = new EnumMap<>(Side.class);
    Map<Side, Run> runs = new EnumMap<>(Side.class);
    Map<Side, List<TxWorkload.Terminal>> terminals = new EnumMap<>(Side.class);
    Map<Side, HikariDataSource> pools = new EnumMap<>(Side.class);
    long seqBefore;
    ExecutorService workers = Executors.newFixedThreadPool(threads);
    try {
      for (Side side : Side.values()) {
        Path f = files.resolve(side.label + ".db");
        Files.copy(side == Side.TRACKED ? trackedTemplates.get(w.name()) : plainTemplates.get(w.name()), f);
        file.put(side, f);
        before.put(side, counts(f, w));
        runs.put(side, new Run());
        List<TxWorkload.Terminal> list = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          list.add(w.terminal(t, threads, SEED ^ (round * 1_000_003L) ^ (t * 7_919L) ^ w.name().hashCode()));
        }
        terminals.put(side, list);
      }
      seqBefore = logSequence(file.get(Side.TRACKED));
      for (Side side : Side.values()) {
        pools.put(side, filled(pool(side, file.get(side), threads), threads));
      }
      long sliceNanos = (long) (options.seconds() * 1e9 / options.slices());
      for (int slice = 0; slice < options.slices(); slice++) {
        for (Side side : ORDERS[Math.floorMod(round * options.slices() + slice, ORDERS.length)]) {
          slice(workers, pools.get(side), terminals.get(side), runs.get(side), sliceNanos);
        }
      }
      // What the tracked run left in its log is folded now, and its time counted: the log must not hide work.
      // The rollback first: a pooled driver connection may still hold the read snapshot its last commit's fold check
      // took, which another connection's commit has made stale (the fold would fail with SQLITE_BUSY_SNAPSHOT).
      // Only the run's share of that fold is counted: the log also holds the history the round started with.
      Run t = runs.get(Side.TRACKED);
      long captured = terminals.get(Side.TRACKED).stream().mapToLong(TxWorkload.Terminal::captured).sum();
      try (Connection c = pools.get(Side.TRACKED).getConnection()) {
        c.rollback();
        long pending = oneLong(c, "SELECT count(*) FROM lattice_log WHERE op <> 0");
        long start = System.nanoTime();
        oneLong(c, "SELECT lattice_fold()");
        c.commit();
        double foldMs = millisSince(start);
        t.foldMillis = pending == 0 ? foldMs : foldMs * Math.min(pending, captured) / pending;
        t.millis += t.foldMillis;
      }
    } finally {
      workers.shutdownNow();
      pools.values().forEach(HikariDataSource::close);
    }
    try {
      verify(w, file, before, runs, terminals, seqBefore);
    } finally {
      deleteTree(files);
    }
    tally(w, threads, round, runs);
  }

  /** Waits until the pool holds all its connections, so that no side opens connections on its clock. */
  private static HikariDataSource filled(HikariDataSource pool, int size) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (pool.getHikariPoolMXBean().getTotalConnections() < size) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("pool " + pool.getPoolName() + " did not open " + size + " connections");
      }
      Thread.sleep(5);
    }
    return pool;
  }

  /** Runs one side's terminals for one slice: each starts transactions until the slice's time is up. */
  private static void slice(ExecutorService workers, HikariDataSource pool, List<TxWorkload.Terminal> terminals,
      Run run, long sliceNanos) throws InterruptedException, ExecutionException {
    CountDownLatch go = new CountDownLatch(1);
    AtomicLong deadline = new AtomicLong();
    List<Future<long[]>> done = new ArrayList<>();
    for (TxWorkload.Terminal terminal : terminals) {
      done.add(workers.submit(() -> {
        go.await();
        return work(pool, terminal, run, deadline.get());
      }));
    }
    long start = System.nanoTime();
    deadline.set(start + sliceNanos);
    go.countDown();
    for (Future<long[]> f : done) {
      long[] counts = f.get();
      synchronized (run) {
        run.commits += counts[0];
        run.attempts += counts[1];
        run.abandoned += counts[2];
      }
    }
    run.millis += millisSince(start);
  }

  /** One terminal until the deadline; returns commits, attempts and abandoned transactions. */
  private static long[] work(HikariDataSource pool, TxWorkload.Terminal terminal, Run run, long deadline) {
    long commits = 0;
    long attempts = 0;
    long abandoned = 0;
    while (System.nanoTime() < deadline) {
      terminal.next();
      for (int attempt = 1; ; attempt++) {
        attempts++;
        boolean committed = false;
        SQLException failure = null;
        try (Connection c = pool.getConnection()) {
          try {
            terminal.run(c);
            committed = true;
          } catch (SQLException e) {
            failure = e;
            try {
              c.rollback();
            } catch (SQLException rollback) {
              e.addSuppressed(rollback);
            }
          }
        } catch (SQLException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
        if (committed) {
          commits++;
          break; // a failure to hand the connection back after the commit does not undo the transaction
        }
        run.fail(failure);
        if (attempt >= MAX_ATTEMPTS) {
          abandoned++;
          break;
        }
        // Another writer holds the lock or moved the snapshot on: let it finish before trying again.
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(10_000, 50_000L * Math.min(attempt, 20)));
      }
    }
    return new long[] {commits, attempts, abandoned};
  }

  /** A failure as SQLite names it (result code, with its number), or by SQLState and vendor code otherwise. */
  static String code(SQLException e) {
    if (e instanceof SQLiteException s) {
      return s.getResultCode().name() + " (" + s.getResultCode().code + ")";
    }
    return "SQLState " + e.getSQLState() + ", code " + e.getErrorCode() + " (" + e.getClass().getSimpleName() + ": "
        + e.getMessage() + ")";
  }

  // Checks.

  private Map<String, Long> counts(Path file, TxWorkload w) throws SQLException {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(Side.PLAIN.prefix + file, fileProperties())) {
      for (String table : w.countedTables()) {
        counts.put(table, oneLong(c, "SELECT count(*) FROM " + table));
      }
    }
    return counts;
  }

  private long logSequence(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection(Side.PLAIN.prefix + file, fileProperties())) {
      return oneLong(c, "SELECT coalesce(max(seq), 0) FROM lattice_log");
    }
  }

  /**
   * Each side's tables hold what its committed transactions did; the tracked side's log took one entry per row write
   * of them, all folded, and every live row of a tracked table has a live clock; the driver side wrote no metadata.
   */
  private void verify(TxWorkload w, Map<Side, Path> file, Map<Side, Map<String, Long>> before, Map<Side, Run> runs,
      Map<Side, List<TxWorkload.Terminal>> terminals, long seqBefore) throws SQLException {
    for (Side side : Side.values()) {
      Map<String, Long> after = counts(file.get(side), w);
      List<String> tables = w.countedTables();
      long commits = 0;
      for (TxWorkload.Terminal t : terminals.get(side)) {
        commits += java.util.Arrays.stream(t.commitsByType()).sum();
      }
      expect(runs.get(side).commits, commits, side.label + " commits counted by terminals");
      if (commits == 0) {
        throw new IllegalStateException(side.label + " committed nothing");
      }
      for (int i = 0; i < tables.size(); i++) {
        long added = 0;
        for (TxWorkload.Terminal t : terminals.get(side)) {
          added += t.tableDelta()[i];
        }
        expect(before.get(side).get(tables.get(i)) + added, after.get(tables.get(i)),
            side.label + " rows in " + tables.get(i));
      }
    }
    Run t = runs.get(Side.TRACKED);
    for (TxWorkload.Terminal terminal : terminals.get(Side.TRACKED)) {
      t.captured += terminal.captured();
    }
    try (Connection c = DriverManager.getConnection(Side.TRACKED.prefix + file.get(Side.TRACKED), driverProperties())) {
      expect(t.captured, oneLong(c, "SELECT max(seq) FROM lattice_log") - seqBefore,
          "tracked: log entries = row writes of committed transactions");
      expect(0, oneLong(c, "SELECT count(*) FROM lattice_log WHERE op <> 0"), "tracked: log rows left unfolded");
      for (String table : w.trackedTables()) {
        expect(oneLong(c, "SELECT count(*) FROM " + table), oneLong(c, "SELECT count(*) FROM lattice_rows r JOIN"
            + " lattice_tables t ON t.id = r.tbl WHERE t.name = '" + table + "' AND r.cl % 2 = 1"),
            "tracked: live row clocks of " + table);
      }
    }
    try (Connection c = DriverManager.getConnection(Side.PLAIN.prefix + file.get(Side.DRIVER), fileProperties())) {
      expect(0, oneLong(c, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'lattice%'"),
          "driver side: Lattice tables in a file nothing was tracked in");
    }
  }

  private void tally(TxWorkload w, int threads, int round, Map<Side, Run> runs) {
    String key = cellKey(w, threads);
    Run plain = runs.get(Side.PLAIN);
    Run driver = runs.get(Side.DRIVER);
    Run t = runs.get(Side.TRACKED);
    boolean counted = round >= 0;
    if (counted) {
      tracked.get(key).add(plain.perSecond(), t.perSecond());
      floor.get(key).add(plain.perSecond(), driver.perSecond());
      foldShare.get(key).add(t.foldMillis / t.millis);
      runs.forEach((side, run) -> failures.get(key).get(side).add(run));
    }
    String label = round < 0 ? "warm-up " + (round + options.warmup() + 1) : "round " + (round + 1);
    System.err.printf(Locale.ROOT, "%-10s %-7s %d thr  plain %,7.0f/s  driver %,7.0f/s (%.2f)  tracked %,7.0f/s (%.2f,"
        + " fold %,.0f ms, %,d writes captured)  failed %d/%d/%d%n", label, w.name(), threads, plain.perSecond(),
        driver.perSecond(), driver.perSecond() / plain.perSecond(), t.perSecond(), t.perSecond() / plain.perSecond(),
        t.foldMillis, t.captured, plain.failed(), driver.failed(), t.failed());
  }

  private void printTables() {
    System.out.println();
    System.out.println("Lattice (tracked) against plain, tx/s:");
    System.out.println(Figure.header("threads", "tracked"));
    tracked.forEach((key, figure) -> {
      Stats share = foldShare.get(key);
      figure.note(String.format(Locale.ROOT, "final fold %.1f%% of tracked time (%.1f-%.1f)", share.median() * 100,
          share.min() * 100, share.max() * 100));
      System.out.println(figure.row());
    });
    System.out.println();
    System.out.println("Floor: the driver with nothing tracked against plain, tx/s:");
    System.out.println(Figure.header("threads", "driver"));
    floor.values().forEach(figure -> System.out.println(figure.row()));
    System.out.println();
    System.out.println("Failed attempts (rolled back and retried), all counted rounds:");
    System.out.printf(Locale.ROOT, "%-8s %-7s %-8s %11s %11s %8s %9s  %s%n", "workload", "threads", "side", "commits",
        "attempts", "failed", "abandoned", "by code");
    failures.forEach((key, bySide) -> bySide.forEach((side, f) -> System.out.printf(Locale.ROOT,
        "%-8s %-7s %-8s %,11d %,11d %,8d %,9d  %s%n", key.substring(0, key.indexOf('/')),
        key.substring(key.indexOf('/') + 1), side.label, f.commits, f.attempts, f.attempts - f.commits, f.abandoned, f.byCode.isEmpty() ? "-" : f.byCode.entrySet().stream()
            .map(e -> e.getKey() + ": " + String.format(Locale.ROOT, "%,d", e.getValue()))
            .collect(Collectors.joining(", ")))));
    long missed = tracked.values().stream().filter(f -> !f.ok()).count();
    System.out.printf(Locale.ROOT, "%n%d of %d figures on target (tracked/plain >= %.2f).%n", tracked.size() - missed,
        tracked.size(), TARGET);
  }
}
