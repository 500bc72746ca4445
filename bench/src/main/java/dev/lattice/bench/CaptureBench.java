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

import dev.lattice.bench.Workload.KeyOrder;
import dev.lattice.bench.Workload.RowShape;
import dev.lattice.driver.Renumbering;
import dev.lattice.driver.Replica;
import dev.lattice.driver.capture.CaptureOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.sqlite.SQLiteConfig;

/**
 * Capture overhead end to end: the same workload through raw sqlite-jdbc on an untracked table ("plain") and through
 * {@code jdbc:lattice:sqlite:} on a tracked table ("tracked"), measured in one run and printed as ratios to plain.
 *
 * <p>Each round writes fresh files and runs every phase on both sides back to back, the side that goes first
 * alternating between rounds, so that the machine's slow and fast minutes fall on both sides of each ratio. The
 * tracked side of a write phase is timed until its log is folded (see {@code LogFold}): the automatic folds that
 * happen at commits during the phase and a final {@code SELECT lattice_fold()}, whose share is printed separately.
 * See bench/README.md for how to read the table.
 */
public final class CaptureBench {
  static final String USAGE = """
      usage: bench/run capture [--rows N] [--rounds N] [--warmup N] [--keys random|ordered|integer|both|all]
                               [--shape wide|narrow|both] [--fold-threshold N] [--numbered]
        --rows N             rows written per phase (default 100000)
        --rounds N           measured rounds; figures are medians of rounds (default 5)
        --warmup N           rounds run first and not counted, to warm the JIT and the disk (default 1)
        --keys K             primary key: random (UUID text), ordered (increasing text), integer (INTEGER PRIMARY
                             KEY numbered by SQLite), both (random and ordered) or all (default all)
        --shape S            rows: wide (four values, ~90 bytes), narrow (three small values, ~15 bytes) or both
                             (default both)
        --fold-threshold N   lattice.foldThreshold of the tracked connection (default: the driver's default)
        --numbered           track the table numbered for sync ({"numbered": true}; needs --keys integer), and
                             time settling every inserted row, on a copy of the file, with and without moves""";

  private static final String PLAIN = "jdbc:sqlite:";
  private static final String TRACKED = "jdbc:lattice:sqlite:";
  private static final int TRANSACTION_ROWS = 1_000;
  /** Tries per scan and per lookup slice in each round; see {@link #reads}. */
  private static final int SCAN_PASSES = 9;
  private static final int LOOKUP_PASSES = 3;
  private static final int LOOKUP_SLICE = 10_000;
  private static final long SEED = 20_261_122L;
  private static final double WRITE_TARGET = 0.80;
  private static final double READ_TARGET = 0.97;
  /**
   * Connections opened (and one row read) per second through the driver against raw sqlite-jdbc: applications that
   * open a connection per request pay the driver's open on every one.
   */
  private static final double OPEN_TARGET = 0.90;
  /** Opens per side in each round; see {@link #opens}. */
  private static final int OPENS = 200;
  /** Metadata is about the same per row whatever the values, so a narrow row may grow by a larger factor. */
  private static final double WIDE_SIZE_TARGET = 1.5;
  private static final double NARROW_SIZE_TARGET = 2.0;
  private static final List<String> FIGURES = List.of("insert", "update", "delete", "scan", "lookup", "open",
      "file size");

  private final Options options;
  private final Path dir;
  private final Properties plainProperties;
  private final Properties trackedProperties;
  private final Map<String, Figure> figures = new LinkedHashMap<>();
  private final Map<Workload, Stats> treeBuilds = new LinkedHashMap<>();
  /** With --numbered: per workload, settling every inserted row when none moves, and when every row moves. */
  private final Map<Workload, Stats> settlesInPlace = new LinkedHashMap<>();
  private final Map<Workload, Stats> settlesMoving = new LinkedHashMap<>();
  /** Sink for every value read, so that no read can be skipped as unused. */
  private long checksum;

  record Options(int rows, int rounds, int warmup, List<KeyOrder> keys, List<RowShape> shapes,
      Integer foldThreshold, boolean numbered) {
    /** Parses the command line; null for --help. */
    static Options parse(String[] args) {
      int rows = 100_000;
      int rounds = 5;
      int warmup = 1;
      List<KeyOrder> keys = List.of(KeyOrder.values());
      List<RowShape> shapes = List.of(RowShape.values());
      Integer foldThreshold = null;
      boolean numbered = false;
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        switch (option) {
          case "-h", "--help" -> {
            return null;
          }
          case "--rows" -> rows = number(option, argument(args, ++i, option), 1);
          case "--rounds" -> rounds = number(option, argument(args, ++i, option), 1);
          case "--warmup" -> warmup = number(option, argument(args, ++i, option), 0);
          case "--fold-threshold" -> foldThreshold = number(option, argument(args, ++i, option), 0);
          case "--numbered" -> numbered = true;
          case "--keys" -> {
            String value = argument(args, ++i, option);
            keys = switch (value) {
              case "random" -> List.of(KeyOrder.RANDOM);
              case "ordered" -> List.of(KeyOrder.ORDERED);
              case "integer" -> List.of(KeyOrder.INTEGER);
              case "both" -> List.of(KeyOrder.RANDOM, KeyOrder.ORDERED);
              case "all" -> List.of(KeyOrder.values());
              default -> throw new IllegalArgumentException("--keys takes random, ordered, integer, both or all, not '"
                  + value + "'");
            };
          }
          case "--shape" -> {
            String value = argument(args, ++i, option);
            shapes = switch (value) {
              case "wide" -> List.of(RowShape.WIDE);
              case "narrow" -> List.of(RowShape.NARROW);
              case "both" -> List.of(RowShape.values());
              default -> throw new IllegalArgumentException("--shape takes wide, narrow or both, not '" + value
                  + "'");
            };
          }
          default -> throw new IllegalArgumentException("unknown option '" + option + "'");
        }
      }
      if (numbered && !keys.equals(List.of(KeyOrder.INTEGER))) {
        throw new IllegalArgumentException("--numbered needs --keys integer: only a table keyed by one INTEGER PRIMARY"
            + " KEY can be numbered for sync");
      }
      return new Options(rows, rounds, warmup, keys, shapes, foldThreshold, numbered);
    }

  }

  /** A timed write phase: milliseconds of each side, and of the tracked side's final fold. */
  private record Timing(double plainMs, double trackedMs, double foldMs, double treeMs) {}

  /** Best read times of each side, in milliseconds. */
  private record Reads(double rawScanMs, double driverScanMs, double rawLookupMs, double driverLookupMs) {}

  @FunctionalInterface
  private interface Work {
    void run(Connection c) throws SQLException;
  }

  @FunctionalInterface
  private interface RowWork {
    void run(int i) throws SQLException;
  }

  private CaptureBench(Options options, Path dir) {
    this.options = options;
    this.dir = dir;
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    plainProperties = config.toProperties();
    trackedProperties = config.toProperties();
    if (options.foldThreshold() != null) {
      trackedProperties.setProperty("lattice.foldThreshold", options.foldThreshold().toString());
    }
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("capture: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(USAGE);
      return;
    }
    Path dir = scratchDirectory("lattice-capture-");
    new CaptureBench(options, dir).run();
  }

  private void run() throws SQLException, IOException {
    System.out.println(header());
    System.out.flush();
    List<Workload> workloads = new ArrayList<>();
    for (RowShape shape : options.shapes()) {
      for (KeyOrder keys : options.keys()) {
        workloads.add(Workload.generate(shape, keys, options.rows(), SEED + keys.ordinal()));
      }
    }
    for (String name : FIGURES) {
      for (Workload w : workloads) {
        Figure.Kind kind = name.equals("file size") ? Figure.Kind.SIZE : Figure.Kind.THROUGHPUT;
        double target = switch (name) {
          case "scan", "lookup" -> READ_TARGET;
          case "open" -> OPEN_TARGET;
          case "file size" -> w.shape == RowShape.WIDE ? WIDE_SIZE_TARGET : NARROW_SIZE_TARGET;
          default -> WRITE_TARGET;
        };
        figures.put(figureKey(name, w), new Figure(name, w.label(), kind, target));
      }
    }
    for (int round = -options.warmup(); round < options.rounds(); round++) {
      for (Workload workload : workloads) {
        round(workload, round, Math.floorMod(round, 2) == 0);
      }
    }
    System.out.println();
    System.out.println(Figure.header("shape/keys", "tracked"));
    figures.values().forEach(figure -> System.out.println(figure.row()));
    treeBuilds.forEach((w, ms) -> System.out.printf(Locale.ROOT,
        "Merkle tree built from metadata, as on a process's first sync (%s, %,d rows = %,d cells): median %,.0f ms"
            + " (%,.0f-%,.0f)%n", w.label(), w.rows(), (long) w.rows() * w.shape.cells(), ms.median(), ms.min(),
        ms.max()));
    settlesInPlace.forEach((w, inPlace) -> {
      Stats moving = settlesMoving.get(w);
      System.out.printf(Locale.ROOT, "Settling every inserted row, numbered (%s, %,d rows): none moves %,.0f ms"
          + " (%,.0f-%,.0f); every row moves, its number handed out elsewhere, %,.0f ms (%,.0f-%,.0f), %.1f us a row%n",
          w.label(), w.rows(), inPlace.median(), inPlace.min(), inPlace.max(), moving.median(), moving.min(),
          moving.max(), moving.median() * 1000 / w.rows());
    });
    long missed = figures.values().stream().filter(figure -> !figure.ok()).count();
    System.out.printf(Locale.ROOT, "%n%d of %d figures on target.%n", figures.size() - missed, figures.size());
  }

  /** The date, the software and the machine, then the settings both sides run with, as read back from them. */
  private String header() throws SQLException, IOException {
    Path probe = Files.createDirectory(dir.resolve("probe"));
    try (Connection plain = open(PLAIN, probe.resolve("plain.db"));
        Connection tracked = open(TRACKED, probe.resolve("tracked.db"))) {
      String settings = settings(plain);
      if (!settings.equals(settings(tracked))) {
        throw new IllegalStateException("the sides run with different settings: plain " + settings + ", tracked "
            + settings(tracked));
      }
      String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
      String threshold = options.foldThreshold() != null ? String.format(Locale.ROOT, "%,d", options.foldThreshold())
          : String.format(Locale.ROOT, "%,d (driver default)", CaptureOptions.DEFAULT_FOLD_THRESHOLD);
      return String.format(Locale.ROOT, """
          Lattice capture benchmark, %s: SQLite %s, sqlite-jdbc %s, JVM %s, %d cores, %,d rows, rounds: %d \
          + %d warm-up
          Both sides: %s, prepared statements, %,d rows per transaction, fresh files every round.
          Row shapes: %s. Keys: %s.
          plain = jdbc:sqlite:, table untracked; tracked = jdbc:lattice:sqlite:, %s, fold threshold %s.
          Writes: tracked time includes the automatic folds and a final lattice_fold(). Reads: the tracked file after \
          insert, raw sqlite-jdbc (plain) vs the driver (tracked), best of %d scans, lookups best of %d per %,d-key \
          slice. Opens: the tracked file, %,d opens each reading one row by key, then closing. File size: main + \
          -wal after fold and wal_checkpoint(TRUNCATE). Ratio: tracked/plain per round; median of rounds, range = min-max.""",
          date, oneString(plain, "SELECT sqlite_version()"), plain.getMetaData().getDriverVersion(), Runtime.version(),
          Runtime.getRuntime().availableProcessors(), options.rows(), options.rounds(), options.warmup(), settings,
          TRANSACTION_ROWS, options.shapes().stream().map(shape -> shape.label() + " " + shape.create)
              .collect(Collectors.joining("; ")), options.keys().stream().map(CaptureBench::describe)
              .collect(Collectors.joining(", ")),
          track() + (options.numbered() ? " (numbered for sync)" : ""), threshold, SCAN_PASSES, LOOKUP_PASSES, LOOKUP_SLICE, OPENS);
    } finally {
      deleteTree(probe);
    }
  }

  /** How the tracked side tracks the table, as SQL: printed in the header and run in every round. */
  private String track() {
    return options.numbered() ? "lattice_track('t', '{\"numbered\": true}')" : "lattice_track('t')";
  }

  private static String describe(KeyOrder keys) {
    return switch (keys) {
      case RANDOM -> "random (UUID text)";
      case ORDERED -> "ordered (increasing 36-digit text)";
      case INTEGER -> "integer (id INTEGER PRIMARY KEY, numbered by SQLite: the insert names no key)";
    };
  }

  private static String settings(Connection c) throws SQLException {
    String[] synchronous = {"OFF", "NORMAL", "FULL", "EXTRA"};
    String[] tempStore = {"DEFAULT", "FILE", "MEMORY"};
    return "journal_mode=" + oneString(c, "PRAGMA journal_mode").toUpperCase(Locale.ROOT)
        + ", synchronous=" + synchronous[(int) oneLong(c, "PRAGMA synchronous")]
        + ", temp_store=" + tempStore[(int) oneLong(c, "PRAGMA temp_store")];
  }

  /**
   * One round of one row shape and key order, on fresh files; {@code round < 0} is a warm-up whose figures are
   * dropped.
   */
  private void round(Workload w, int round, boolean plainFirst) throws SQLException, IOException {
    Path files = Files.createDirectory(dir.resolve("round" + (round + options.warmup()) + "-" + w.shape.label() + "-"
        + w.order.label()));
    Path plainFile = files.resolve("plain.db");
    Path trackedFile = files.resolve("tracked.db");
    int n = w.rows();
    try (Connection plain = open(PLAIN, plainFile); Connection tracked = open(TRACKED, trackedFile)) {
      exec(plain, w.create());
      exec(tracked, w.create());
      oneString(tracked, "SELECT " + track());
      oneString(tracked, "SELECT lattice_merkle_root()"); // builds the (empty) tree: later phases update it

      Timing insert = phase(plain, tracked, plainFirst, c -> insert(c, w));
      expect(n, oneLong(plain, "SELECT count(*) FROM t"), "plain rows after insert");
      expect(n, oneLong(tracked, "SELECT count(*) FROM t"), "tracked rows after insert");
      // Guards against measuring a side that captures nothing: every inserted row must have its clock now.
      expect(n, oneLong(tracked, "SELECT count(*) FROM lattice_rows"), "row clocks after insert and fold");
      long plainBytes = checkpointedSize(plain, plainFile);
      long trackedBytes = checkpointedSize(tracked, trackedFile);
      double buildMs = treeBuild(trackedFile);
      double[] settleMs = options.numbered() ? new double[] {settle(trackedFile, n, false), settle(trackedFile, n, true)}
          : null;
      Reads reads = reads(trackedFile, w, plainFirst);
      double[] opensMs = opens(trackedFile, plainFirst);
      Timing update = phase(plain, tracked, plainFirst, c -> update(c, w));
      Timing delete = phase(plain, tracked, plainFirst, c -> delete(c, w));
      expect(0, oneLong(plain, "SELECT count(*) FROM t"), "plain rows after delete");
      expect(0, oneLong(tracked, "SELECT count(*) FROM t"), "tracked rows after delete");

      // Progress, with this round's ratios, on stderr: the table on stdout stays clean for copying.
      String label = round < 0 ? "warm-up " + (round + options.warmup() + 1) : "round " + (round + 1);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-10s %-14s %-13s", label, w.label(),
          plainFirst ? "plain first" : "tracked first"));
      boolean counted = round >= 0;
      tally(line, "insert", w, n, insert, counted);
      tally(line, "update", w, n, update, counted);
      tally(line, "delete", w, n, delete, counted);
      tally(line, "scan", w, perSecond(n, reads.rawScanMs()), perSecond(n, reads.driverScanMs()), counted);
      tally(line, "lookup", w, perSecond(n, reads.rawLookupMs()), perSecond(n, reads.driverLookupMs()), counted);
      tally(line, "open", w, perSecond(OPENS, opensMs[0]), perSecond(OPENS, opensMs[1]), counted);
      tally(line, "file size", w, plainBytes, trackedBytes, counted);
      if (counted) {
        treeBuilds.computeIfAbsent(w, k -> new Stats()).add(buildMs);
      }
      line.append(String.format(Locale.ROOT, "  tree build %,.0f ms", buildMs));
      if (settleMs != null) {
        if (counted) {
          settlesInPlace.computeIfAbsent(w, k -> new Stats()).add(settleMs[0]);
          settlesMoving.computeIfAbsent(w, k -> new Stats()).add(settleMs[1]);
        }
        line.append(String.format(Locale.ROOT, "  settle %,.0f / %,.0f ms", settleMs[0], settleMs[1]));
      }
      System.err.println(line);
    } finally {
      deleteTree(files);
    }
  }

  private void tally(StringBuilder line, String name, Workload w, int rows, Timing t, boolean counted) {
    tally(line, name, w, perSecond(rows, t.plainMs()), perSecond(rows, t.trackedMs()), counted);
    if (counted) {
      figures.get(figureKey(name, w)).addDeferred(t.foldMs(), t.trackedMs(), t.treeMs());
    }
  }

  /** Adds one round's values (rows per second, or bytes) to the figure, unless it is a warm-up round. */
  private void tally(StringBuilder line, String name, Workload w, double plain, double tracked, boolean counted) {
    if (counted) {
      figures.get(figureKey(name, w)).add(plain, tracked);
    }
    line.append(String.format(Locale.ROOT, "  %s %.2f", name.replace("file ", ""), tracked / plain));
  }

  private static double perSecond(int rows, double millis) {
    return rows * 1000.0 / millis;
  }

  private static String figureKey(String name, Workload w) {
    return name + "/" + w.label();
  }

  /**
   * Times {@code work} on both sides, in this round's order. The tracked time runs until the log is folded: the work
   * (whose commits may fold automatically) and then the final {@code lattice_fold()}, which is also timed alone.
   * Then, outside the tracked time because a sync does it, the Merkle tree is brought up to date and timed.
   */
  private static Timing phase(Connection plain, Connection tracked, boolean plainFirst, Work work)
      throws SQLException {
    double plainMs = 0;
    double trackedMs = 0;
    double foldMs = 0;
    double treeMs = 0;
    for (int turn = 0; turn < 2; turn++) {
      long start = System.nanoTime();
      if ((turn == 0) == plainFirst) {
        work.run(plain);
        plainMs = millisSince(start);
      } else {
        work.run(tracked);
        long worked = System.nanoTime();
        oneLong(tracked, "SELECT lattice_fold()");
        foldMs = millisSince(worked);
        trackedMs = millisSince(start);
        long folded = System.nanoTime();
        oneString(tracked, "SELECT lattice_merkle_root()");
        treeMs = millisSince(folded);
      }
    }
    return new Timing(plainMs, trackedMs, foldMs, treeMs);
  }

  private static void insert(Connection c, Workload w) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(w.insert())) {
      inTransactions(c, w.rows(), i -> {
        w.bindInsert(insert, i);
        expect(1, insert.executeUpdate(), "rows inserted");
      });
    }
  }

  /** One statement per row, rows in random order, alternately one column and two columns changed. */
  private static void update(Connection c, Workload w) throws SQLException {
    try (PreparedStatement one = c.prepareStatement(Workload.UPDATE_ONE);
        PreparedStatement two = c.prepareStatement(Workload.UPDATE_TWO)) {
      inTransactions(c, w.rows(), n -> {
        int i = w.updateOrder[n];
        if (n % 2 == 0) {
          one.setLong(1, w.newB[i]);
          w.bindKey(one, 2, i);
          expect(1, one.executeUpdate(), "rows updated");
        } else {
          two.setString(1, w.newA[i]);
          two.setDouble(2, w.newC[i]);
          w.bindKey(two, 3, i);
          expect(1, two.executeUpdate(), "rows updated");
        }
      });
    }
  }

  private static void delete(Connection c, Workload w) throws SQLException {
    try (PreparedStatement delete = c.prepareStatement(Workload.DELETE)) {
      inTransactions(c, w.rows(), n -> {
        w.bindKey(delete, 1, w.deleteOrder[n]);
        expect(1, delete.executeUpdate(), "rows deleted");
      });
    }
  }

  /** Runs {@code work} for rows 0..rows-1, committing every {@value #TRANSACTION_ROWS} rows and at the end. */
  private static void inTransactions(Connection c, int rows, RowWork work) throws SQLException {
    c.setAutoCommit(false);
    try {
      for (int i = 0; i < rows; i++) {
        work.run(i);
        if ((i + 1) % TRANSACTION_ROWS == 0 || i == rows - 1) {
          c.commit();
        }
      }
    } finally {
      c.setAutoCommit(true);
    }
  }

  /**
   * Reads the tracked file through raw sqlite-jdbc and through the driver: what the wrapper costs a reader. Both
   * connections are opened fresh and scan once untimed, so that both start with the same warm page cache. Reads are
   * short and CPU-bound, so a neighbour's burst of a second or two could decide a round: the sides alternate in short
   * turns (one scan; a slice of {@value #LOOKUP_SLICE} lookups) and each keeps its best of several tries.
   */
  private Reads reads(Path file, Workload w, boolean rawFirst) throws SQLException {
    try (Connection raw = open(PLAIN, file); Connection driver = open(TRACKED, file);
        PreparedStatement rawLookup = raw.prepareStatement(w.shape.lookup);
        PreparedStatement driverLookup = driver.prepareStatement(w.shape.lookup)) {
      scan(raw, w);
      scan(driver, w);
      double[] scanMs = {Double.MAX_VALUE, Double.MAX_VALUE};
      for (int pass = 0; pass < SCAN_PASSES; pass++) {
        for (int turn = 0; turn < 2; turn++) {
          int side = sideAt(rawFirst, pass, turn);
          long start = System.nanoTime();
          scan(side == 0 ? raw : driver, w);
          scanMs[side] = Math.min(scanMs[side], millisSince(start));
        }
      }
      // Each side's lookup time is the sum over slices of its best time for that slice: all keys, looked up once.
      double[] lookupMs = {0, 0};
      for (int from = 0; from < w.rows(); from += LOOKUP_SLICE) {
        int to = Math.min(w.rows(), from + LOOKUP_SLICE);
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int pass = 0; pass < LOOKUP_PASSES; pass++) {
          for (int turn = 0; turn < 2; turn++) {
            int side = sideAt(rawFirst, pass, turn);
            long start = System.nanoTime();
            lookups(side == 0 ? rawLookup : driverLookup, w, from, to);
            best[side] = Math.min(best[side], millisSince(start));
          }
        }
        lookupMs[0] += best[0];
        lookupMs[1] += best[1];
      }
      return new Reads(scanMs[0], scanMs[1], lookupMs[0], lookupMs[1]);
    }
  }

  /**
   * Which side (0 raw, 1 driver) reads at {@code turn} of {@code pass}: the round's first side, then the other, the
   * order flipping every pass so that neither side always reads right after the other's garbage was made.
   */
  private static int sideAt(boolean rawFirst, int pass, int turn) {
    return ((turn == 0) == rawFirst) == (pass % 2 == 0) ? 0 : 1;
  }

  private void scan(Connection c, Workload w) throws SQLException {
    int read = 0;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(w.shape.scan)) {
      while (rs.next()) {
        checksum += w.read(rs);
        read++;
      }
    }
    expect(w.rows(), read, "rows scanned");
  }

  /**
   * Milliseconds for {@value #OPENS} opens of {@code file} by raw sqlite-jdbc and by the driver, each reading one row by
   * key and closing: what an application that opens a connection per request pays each time.
   */
  private double[] opens(Path file, boolean plainFirst) throws SQLException {
    double[] ms = new double[2];
    for (int turn = 0; turn < 2; turn++) {
      int side = plainFirst ? turn : 1 - turn;
      long start = System.nanoTime();
      for (int i = 0; i < OPENS; i++) {
        try (Connection c = open(side == 0 ? PLAIN : TRACKED, file)) {
          oneLong(c, "SELECT count(*) FROM t WHERE id = 'absent'");
        }
      }
      ms[side] = millisSince(start);
    }
    return ms;
  }

  /** Looks up the keys at positions {@code from..to-1} of the workload's lookup order, one query each. */
  private void lookups(PreparedStatement lookup, Workload w, int from, int to) throws SQLException {
    for (int n = from; n < to; n++) {
      w.bindKey(lookup, 1, w.lookupOrder[n]);
      try (ResultSet rs = lookup.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("lookup found no row for key " + w.id[w.lookupOrder[n]]);
        }
        checksum += w.read(rs);
      }
    }
  }

  /**
   * Milliseconds to build the Merkle tree of {@code tracked} from its metadata, as a process does on its first sync:
   * the tree is kept per file, so a copy of the file (checkpointed, so the copy is complete) has none yet.
   */
  private double treeBuild(Path tracked) throws SQLException, IOException {
    Path copy = tracked.resolveSibling("tree-build.db");
    Files.copy(tracked, copy);
    try (Connection c = open(TRACKED, copy)) {
      long start = System.nanoTime();
      oneString(c, "SELECT lattice_merkle_root()");
      return millisSince(start);
    } finally {
      Files.deleteIfExists(copy);
      Files.deleteIfExists(copy.resolveSibling("tree-build.db-wal"));
      Files.deleteIfExists(copy.resolveSibling("tree-build.db-shm"));
    }
  }

  /**
   * Milliseconds to settle every row of a copy of {@code tracked}, through its own number source, as a device that
   * inserted them all offline; with {@code moving}, another device was handed numbers 1 to {@code rows} first, so
   * every row moves.
   */
  private double settle(Path tracked, int rows, boolean moving) throws SQLException, IOException {
    Path copy = tracked.resolveSibling("settle.db");
    Files.copy(tracked, copy);
    try (Connection c = open(TRACKED, copy)) {
      Replica replica = Replica.of(c);
      if (moving) {
        replica.numberSource().allocate("t", 0, rows);
      }
      long start = System.nanoTime();
      List<Renumbering> moves = replica.settle(replica.numberSource());
      double ms = millisSince(start);
      expect(moving ? rows : 0, moves.size(), "rows moved by settling");
      return ms;
    } finally {
      Files.deleteIfExists(copy);
      Files.deleteIfExists(copy.resolveSibling("settle.db-wal"));
      Files.deleteIfExists(copy.resolveSibling("settle.db-shm"));
    }
  }

  /** Bytes on disk after moving the whole WAL into the main file: the main file plus whatever -wal is left. */
  private static long checkpointedSize(Connection c, Path file) throws SQLException, IOException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      rs.next();
      expect(0, rs.getLong(1), "busy checkpoint of " + file.getFileName());
    }
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    return Files.size(file) + (Files.exists(wal) ? Files.size(wal) : 0);
  }

  private Connection open(String prefix, Path file) throws SQLException {
    return DriverManager.getConnection(prefix + file, prefix.equals(PLAIN) ? plainProperties : trackedProperties);
  }
}
