package dev.lattice.bench;

import static dev.lattice.bench.BenchSupport.exec;
import static dev.lattice.bench.BenchSupport.oneLong;
import static dev.lattice.bench.BenchSupport.oneString;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.sqlite.SQLiteConnection;

/**
 * Where a short transaction's time goes on the tracked side: the same transaction types, one thread, on connections
 * that differ by one thing each (the wrapper, the post-commit fold check, the triggers and parts of them), in
 * interleaved blocks; plus WAL frames and SQLite row changes per commit, the fold-check statements alone, and the
 * fold's cost per log row. Also runs one side alone through a pool, for a profiler. See bench/README.md.
 */
public final class TxProbe {
  static final String USAGE = """
      usage: bench/run tx-probe costs [--reps N] [--block N] [--records N] [--parts check,prepare,exec,ycsb,tpcc,fold]
             bench/run tx-probe side plain|driver|tracked tpcc|ycsb-a|ycsb-b SECONDS THREADS
        costs   check: the fold check's two statements by log rows pending; prepare: the workloads' statements
                prepared with and without (edited) capture triggers; exec: one write and its commit, prepared once,
                on trigger variants; ycsb, tpcc: per transaction type, CPU µs per transaction on each variant
                (median of --reps interleaved blocks of --block transactions, default 9 x 400; TPC-C blocks are an
                eighth of that), WAL frames and rows changed per commit; fold: the fold per log row
        side    one side alone through HikariCP for SECONDS with THREADS threads (to run under a profiler)""";

  /** The driver's NEW_HLC expression (dev.lattice.driver.capture.TriggerSql), as it appears in trigger SQL. */
  static final String NEW_HLC = "max(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) * 65536,"
      + " coalesce((SELECT hlc FROM lattice_log ORDER BY seq DESC LIMIT 1), 0) + 1,"
      + " (SELECT hlc FROM lattice_clock WHERE id = 1) + 1)";
  static final String EXISTS = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'lattice_meta'";
  static final String PENDING = "SELECT max(seq) - min(seq) + (SELECT op <> 0 FROM lattice_log ORDER BY seq LIMIT 1)"
      + " FROM lattice_log";

  private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

  /** One way of running the transactions: a URL prefix, a starting file, and what is done to it. */
  private record Variant(String name, String what, String prefix, boolean trackedFile, String triggers,
      boolean emulateCheck) {}

  private static final List<Variant> VARIANTS = List.of(
      new Variant("plain", "jdbc:sqlite:, untracked file", "jdbc:sqlite:", false, null, false),
      new Variant("driver", "jdbc:lattice:sqlite:, untracked file (floor)", "jdbc:lattice:sqlite:", false, null, false),
      new Variant("tracked", "jdbc:lattice:sqlite:, tracked file (what applications get)", "jdbc:lattice:sqlite:",
          true, null, false),
      new Variant("trig", "jdbc:sqlite: on the tracked file: triggers only", "jdbc:sqlite:", true, null, false),
      new Variant("trig+chk", "trig + LatticeSchema.exists and LogFold.pending after each commit (the driver's check"
          + " until 3ca3bb4)", "jdbc:sqlite:", true, null, true),
      new Variant("trig-hlc", "trig, NEW_HLC replaced by 0 (no clock, no subqueries)", "jdbc:sqlite:", true, "HLC0",
          false),
      new Variant("trig-sub", "trig, NEW_HLC without its 2 subqueries (wall clock only)", "jdbc:sqlite:", true,
          "HLCWALL", false),
      new Variant("trig-when", "trig without WHEN NOT EXISTS (SELECT 1 FROM lattice_applying)", "jdbc:sqlite:", true,
          "WHEN", false),
      new Variant("trig-rkof", "trig, rekey trigger AFTER UPDATE OF the key columns", "jdbc:sqlite:", true, "REKEYOF",
          false),
      new Variant("trig-cmp", "trig, update trigger's WHEN without the value comparison", "jdbc:sqlite:", true,
          "NOCMP", false),
      new Variant("trig-slim", "trig with all four: rekey OF keys, no comparison, no applying check, NEW_HLC 0",
          "jdbc:sqlite:", true, "REKEYOF+NOCMP+WHEN+HLC0", false),
      new Variant("notrig", "jdbc:sqlite: on the tracked file, triggers dropped", "jdbc:sqlite:", true, "DROP",
          false));

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.println(USAGE);
      return;
    }
    Path dir = BenchSupport.scratchDirectory("lattice-tx-probe-");
    if (args[0].equals("side")) {
      side(dir, args[1], args[2], Double.parseDouble(args[3]), Integer.parseInt(args[4]));
      return;
    }
    int reps = 9;
    int block = 400;
    int records = 50_000;
    List<String> parts = List.of("check", "prepare", "exec", "ycsb", "tpcc", "fold");
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--parts" -> parts = List.of(args[++i].split(","));
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--block" -> block = Integer.parseInt(args[++i]);
        case "--records" -> records = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    costs(dir, reps, block, records, parts);
  }

  // Templates, as the transactions bench makes them.

  private static Path[] templates(Path dir, TxWorkload w) throws SQLException, java.io.IOException {
    Path plain = dir.resolve(w.base() + "-plain.db");
    Path tracked = dir.resolve(w.base() + "-tracked.db");
    if (Files.exists(plain)) {
      return new Path[] {plain, tracked};
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + plain, props())) {
      c.setAutoCommit(false);
      w.load(c);
      c.commit();
      c.setAutoCommit(true);
      exec(c, "ANALYZE");
      oneLong(c, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    Files.copy(plain, tracked);
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + tracked, props())) {
      for (String table : w.trackedTables()) {
        oneString(c, "SELECT lattice_track('" + table + "')");
      }
      oneLong(c, "SELECT lattice_fold()");
      oneLong(c, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return new Path[] {plain, tracked};
  }

  static Properties props() {
    Properties p = new Properties();
    p.setProperty("journal_mode", "WAL");
    p.setProperty("synchronous", "NORMAL");
    p.setProperty("temp_store", "MEMORY");
    p.setProperty("busy_timeout", "10000");
    return p;
  }

  // One side alone, for a profiler.

  private static void side(Path dir, String side, String workload, double seconds, int threads) throws Exception {
    TxWorkload w = workload(workload, 50_000);
    Path[] t = templates(dir, w);
    Path file = dir.resolve("side.db");
    Files.copy(side.equals("tracked") ? t[1] : t[0], file);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl((side.equals("plain") ? "jdbc:sqlite:" : "jdbc:lattice:sqlite:") + file);
    config.setAutoCommit(false);
    config.setMaximumPoolSize(threads);
    config.setMinimumIdle(threads);
    props().forEach((k, v) -> config.addDataSourceProperty((String) k, v));
    try (HikariDataSource pool = new HikariDataSource(config)) {
      List<Thread> list = new ArrayList<>();
      long[] commits = new long[threads];
      long[] failed = new long[threads];
      long deadline = System.nanoTime() + (long) (seconds * 1e9);
      long start = System.nanoTime();
      for (int i = 0; i < threads; i++) {
        int n = i;
        TxWorkload.Terminal terminal = w.terminal(i, threads, 42 + i);
        Thread thread = new Thread(() -> {
          while (System.nanoTime() < deadline) {
            terminal.next();
            while (true) {
              try (Connection c = pool.getConnection()) {
                try {
                  terminal.run(c);
                  commits[n]++;
                  break;
                } catch (SQLException e) {
                  failed[n]++;
                  c.rollback();
                }
              } catch (SQLException e) {
                failed[n]++;
              }
            }
          }
        }, "terminal-" + i);
        list.add(thread);
        thread.start();
      }
      for (Thread thread : list) {
        thread.join();
      }
      double s = (System.nanoTime() - start) / 1e9;
      long total = java.util.Arrays.stream(commits).sum();
      Path wal = file.resolveSibling(file.getFileName() + "-wal");
      System.out.printf(Locale.ROOT, "%s %s %d threads: %,d commits in %.1f s = %,.0f tx/s, %,d failed attempts;"
          + " -wal file %.1f MB at the end (pool still open)%n", side, workload, threads, total, s, total / s,
          java.util.Arrays.stream(failed).sum(), (Files.exists(wal) ? Files.size(wal) : 0) / 1e6);
    }
  }

  private static TxWorkload workload(String name, int records) {
    return switch (name) {
      case "tpcc" -> new Tpcc(1, 300, 10_000);
      case "ycsb-a" -> Ycsb.a(records, 5);
      case "ycsb-b" -> Ycsb.b(records, 5);
      default -> throw new IllegalArgumentException("unknown workload " + name);
    };
  }

  // Costs.

  private static void costs(Path dir, int reps, int block, int records, List<String> parts) throws Exception {
    System.out.println("Variants (one thread, one connection each, autoCommit=false, each on its own copy):");
    for (Variant v : VARIANTS) {
      System.out.printf(Locale.ROOT, "  %-10s %s%n", v.name(), v.what());
    }
    if (parts.contains("check")) {
      checkStatements(dir, records);
    }
    if (parts.contains("prepare")) {
      prepareCosts(dir, records);
    }
    if (parts.contains("exec")) {
      execCosts(dir, reps, records);
    }
    for (TxWorkload w : List.of(Ycsb.a(records, 5), new Tpcc(1, 300, 10_000))) {
      Path[] t = templates(dir, w);
      if (parts.contains(w.base())) {
        // TPC-C blocks are smaller: the delivery blocks must not run out of the 900 undelivered orders.
        int size = w instanceof Tpcc ? Math.max(1, block / 8) : block;
        for (int type = 0; type < w.types().size(); type++) {
          typeCosts(dir, w, t, type, reps, size);
        }
      }
      if (parts.contains("fold")) {
        foldCost(dir, w, t);
      }
    }
  }

  /**
   * The fold check's two statements alone, as the driver runs them (prepared, stepped, closed each time), with the log
   * holding 0 to 20,000 pending rows; and the same count by three index seeks instead of a scan. Until 3ca3bb4 the
   * driver ran both after every commit; since then, LogFold.pending before a commit once 1,024 rows have changed.
   */
  private static void checkStatements(Path dir, int records) throws Exception {
    TxWorkload w = Ycsb.a(records, 5);
    Path[] t = templates(dir, w);
    Path file = dir.resolve("check.db");
    BenchSupport.deleteFile(file);
    Files.copy(t[1], file);
    String seeks = "SELECT (SELECT max(seq) FROM lattice_log) - (SELECT min(seq) FROM lattice_log)"
        + " + (SELECT op <> 0 FROM lattice_log ORDER BY seq LIMIT 1)";
    System.out.println();
    System.out.println("Fold check statements (jdbc:sqlite:, in a transaction), CPU µs each prepared + executed +"
        + " closed, median of 9 x 200, by log rows pending:");
    System.out.printf(Locale.ROOT, "  %12s %12s %12s %12s %12s%n", "pending", "exists", "pending", "(seeks)", "SELECT 1");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, props())) {
      c.setAutoCommit(false);
      TxWorkload.Terminal writer = w.history(5);
      for (int target : new int[] {0, 1_000, 5_000, 10_000, 20_000}) {
        while (writer.captured() < target) {
          writer.next();
          if (!w.readOnly(writer.type())) {
            writer.run(c);
          }
        }
        long pending = oneLong(c, "SELECT count(*) FROM lattice_log WHERE op <> 0");
        double[] us = new double[4];
        String[] sqls = {EXISTS, PENDING, seeks, "SELECT 1"};
        for (int q = 0; q < sqls.length; q++) {
          String sql = sqls[q];
          List<Double> samples = new ArrayList<>();
          for (int rep = 0; rep < 9; rep++) {
            long start = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < 200; i++) {
              try (PreparedStatement p = c.prepareStatement(sql); ResultSet r = p.executeQuery()) {
                r.next();
                r.getObject(1);
              }
            }
            samples.add((CPU.getCurrentThreadCpuTime() - start) / 200 / 1e3);
          }
          us[q] = median(samples);
        }
        c.commit();
        System.out.printf(Locale.ROOT, "  %,12d %12.1f %12.1f %12.1f %12.1f%n", pending, us[0], us[1], us[2], us[3]);
      }
      try (PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + PENDING); ResultSet r = p.executeQuery()) {
        StringBuilder plan = new StringBuilder();
        while (r.next()) {
          plan.append(plan.length() == 0 ? "" : "; ").append(r.getString(4));
        }
        System.out.println("  plan of the pending query: " + plan);
      }
    } finally {
      BenchSupport.deleteFile(file);
    }
  }

  /** What preparing the application's statements costs when the table has capture triggers (compiled at prepare). */
  private static void prepareCosts(Path dir, int records) throws Exception {
    System.out.println();
    System.out.println("Preparing (+ closing) the application's statements, CPU µs, median of 9 x 500, through"
        + " jdbc:sqlite: so that only the triggers differ:");
    List<String> statements = List.of(
        "SELECT * FROM usertable WHERE ycsb_key = ?",
        "UPDATE usertable SET field3 = ? WHERE ycsb_key = ?",
        "INSERT INTO usertable VALUES (?" + ", ?".repeat(Ycsb.FIELDS) + ")",
        "UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = ? AND d_id = ? RETURNING d_next_o_id - 1,"
            + " d_tax",
        "INSERT INTO orders(o_w_id, o_d_id, o_id, o_c_id, o_entry_d, o_carrier_id, o_ol_cnt, o_all_local)"
            + " VALUES (?, ?, ?, ?, ?, NULL, ?, 1)",
        "INSERT INTO new_order(no_w_id, no_d_id, no_o_id) VALUES (?, ?, ?)",
        "UPDATE stock SET s_quantity = CASE WHEN s_quantity >= ?1 + 10 THEN s_quantity - ?1 ELSE s_quantity - ?1"
            + " + 91 END, s_ytd = s_ytd + ?1, s_order_cnt = s_order_cnt + 1 WHERE s_w_id = ?2 AND s_i_id = ?3"
            + " RETURNING s_dist_01, s_data",
        "INSERT INTO order_line(ol_w_id, ol_d_id, ol_o_id, ol_number, ol_i_id, ol_supply_w_id, ol_delivery_d,"
            + " ol_quantity, ol_amount, ol_dist_info) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
        "UPDATE customer SET c_balance = c_balance - ?1, c_ytd_payment = c_ytd_payment + ?1, c_payment_cnt ="
            + " c_payment_cnt + 1, c_data = CASE WHEN c_credit = 'BC' THEN substr(?2 || c_data, 1, 500) ELSE c_data"
            + " END WHERE c_w_id = ?3 AND c_d_id = ?4 AND c_id = ?5 RETURNING c_first, c_middle, c_last, c_balance,"
            + " c_credit",
        "DELETE FROM new_order WHERE no_w_id = ?1 AND no_d_id = ?2 AND no_o_id = (SELECT min(no_o_id) FROM new_order"
            + " WHERE no_w_id = ?1 AND no_d_id = ?2) RETURNING no_o_id");
    Path[] ycsb = templates(dir, Ycsb.a(records, 5));
    Path[] tpcc = templates(dir, new Tpcc(1, 300, 10_000));
    // Columns: the untracked file, the tracked one, and tracked copies with the triggers edited (see rewriteTriggers).
    List<String> edits = List.of("REKEYOF", "HLCWALL", "NOCMP", "REKEYOF+NOCMP+WHEN+HLC0");
    Map<String, Path[]> files = new LinkedHashMap<>();
    files.put("untracked", new Path[] {ycsb[0], tpcc[0]});
    files.put("tracked", new Path[] {ycsb[1], tpcc[1]});
    for (String edit : edits) {
      Path[] copies = new Path[2];
      for (int i = 0; i < 2; i++) {
        copies[i] = dir.resolve("prepare-" + i + "-" + edit.replace('+', '_') + ".db");
        BenchSupport.deleteFile(copies[i]);
        Files.copy((i == 0 ? ycsb : tpcc)[1], copies[i]);
        rewriteTriggers(copies[i], edit);
      }
      files.put(edit.contains("+") ? "all four" : edit, copies);
    }
    StringBuilder head = new StringBuilder("  ");
    files.keySet().forEach(name -> head.append(String.format(Locale.ROOT, "%10s ", name)));
    System.out.println(head.append(" (edits: see the trig-* variants below; all four = trig-slim)"));
    for (String sql : statements) {
      StringBuilder line = new StringBuilder("  ");
      for (Path[] pair : files.values()) {
        Path file = sql.contains("usertable") ? pair[0] : pair[1];
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, props())) {
          List<Double> samples = new ArrayList<>();
          for (int rep = 0; rep < 10; rep++) {
            long start = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < 500; i++) {
              c.prepareStatement(sql).close();
            }
            if (rep > 0) {
              samples.add((CPU.getCurrentThreadCpuTime() - start) / 500 / 1e3);
            }
          }
          line.append(String.format(Locale.ROOT, "%10.1f ", median(samples)));
        }
      }
      System.out.println(line.append(' ').append(sql.length() > 60 ? sql.substring(0, 57) + "..." : sql));
    }
    for (Path[] pair : files.values()) {
      if (pair[0] != ycsb[0] && pair[0] != ycsb[1]) {
        BenchSupport.deleteFile(pair[0]);
        BenchSupport.deleteFile(pair[1]);
      }
    }
  }

  /**
   * What the triggers cost when the statement is not prepared again: one write statement, prepared once per variant,
   * then bound, executed and committed over and over (jdbc:sqlite: variants only, so that nothing but the triggers
   * differs).
   */
  private static void execCosts(Path dir, int reps, int records) throws Exception {
    Path[] ycsb = templates(dir, Ycsb.a(records, 5));
    Path[] tpcc = templates(dir, new Tpcc(1, 300, 10_000));
    List<Variant> variants = VARIANTS.stream().filter(v -> v.prefix().equals("jdbc:sqlite:") && !v.emulateCheck())
        .toList();
    record Write(String name, String sql, boolean tpcc) {}
    List<Write> writes = List.of(
        new Write("ycsb update", "UPDATE usertable SET field3 = ?1 WHERE ycsb_key = ?2", false),
        new Write("ycsb insert", "INSERT INTO usertable VALUES (?2, ?1, ?1, ?1, ?1, ?1, ?1, ?1, ?1, ?1, ?1)", false),
        new Write("stock update", "UPDATE stock SET s_quantity = CASE WHEN s_quantity >= 15 THEN s_quantity - 5 ELSE"
            + " s_quantity + 86 END, s_ytd = s_ytd + 5, s_order_cnt = s_order_cnt + 1, s_data = ?1"
            + " WHERE s_w_id = 1 AND s_i_id = ?2", true),
        new Write("customer update", "UPDATE customer SET c_balance = c_balance - 1, c_payment_cnt = c_payment_cnt + 1,"
            + " c_data = ?1 WHERE c_w_id = 1 AND c_d_id = 1 + ?2 % 10 AND c_id = 1 + ?2 % 300", true));
    System.out.println();
    System.out.println("One write and its commit, the statement prepared once: CPU µs per transaction (median of " + reps
        + " blocks of 300), by variant");
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-16s", ""));
    variants.forEach(v -> head.append(String.format(Locale.ROOT, " %10s", v.name())));
    System.out.println(head);
    int serial = 0;
    for (Write write : writes) {
      Map<Variant, Connection> connections = new LinkedHashMap<>();
      Map<Variant, PreparedStatement> statements = new LinkedHashMap<>();
      Map<Variant, List<Double>> micros = new LinkedHashMap<>();
      List<Path> files = new ArrayList<>();
      try {
        for (Variant v : variants) {
          Path file = dir.resolve("e-" + v.name() + ".db");
          BenchSupport.deleteFile(file);
          Path[] t = write.tpcc() ? tpcc : ycsb;
          Files.copy(v.trackedFile() ? t[1] : t[0], file);
          files.add(file);
          if (v.triggers() != null) {
            rewriteTriggers(file, v.triggers());
          }
          Connection c = DriverManager.getConnection(v.prefix() + file, props());
          c.setAutoCommit(false);
          connections.put(v, c);
          statements.put(v, c.prepareStatement(write.sql()));
          micros.put(v, new ArrayList<>());
        }
        for (int rep = -1; rep < reps; rep++) {
          List<Variant> order = new ArrayList<>(variants);
          java.util.Collections.rotate(order, rep + 1);
          for (Variant v : order) {
            Connection c = connections.get(v);
            PreparedStatement p = statements.get(v);
            long start = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < 300; i++) {
              int n = serial + i;
              p.setString(1, "value" + n);
              if (write.tpcc()) {
                p.setInt(2, 1 + (n * 7_919) % 9_000);
              } else if (write.name().endsWith("insert")) {
                p.setString(2, "probe" + (rep + 1) + "-" + i);
              } else {
                p.setString(2, Ycsb.key(Long.remainderUnsigned(Ycsb.fnv(n), records)));
              }
              BenchSupport.expect(1, p.executeUpdate(), write.name());
              c.commit();
            }
            if (rep >= 0) {
              micros.get(v).add((CPU.getCurrentThreadCpuTime() - start) / 300 / 1e3);
            }
          }
          serial += 300;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-16s", write.name()));
        variants.forEach(v -> line.append(String.format(Locale.ROOT, " %10.1f", median(micros.get(v)))));
        System.out.println(line);
      } finally {
        for (PreparedStatement p : statements.values()) {
          p.close();
        }
        for (Connection c : connections.values()) {
          c.close();
        }
        files.forEach(BenchSupport::deleteFile);
      }
    }
  }

  private static void typeCosts(Path dir, TxWorkload w, Path[] t, int type, int reps, int block) throws Exception {
    Map<Variant, Connection> connections = new LinkedHashMap<>();
    Map<Variant, TxWorkload.Terminal> terminals = new LinkedHashMap<>();
    Map<Variant, Path> files = new LinkedHashMap<>();
    Map<Variant, List<Double>> micros = new LinkedHashMap<>();
    try {
      for (Variant v : VARIANTS) {
        Path file = dir.resolve("v-" + v.name() + ".db");
        BenchSupport.deleteFile(file);
        Files.copy(v.trackedFile() ? t[1] : t[0], file);
        if (v.triggers() != null) {
          rewriteTriggers(file, v.triggers());
        }
        Connection c = DriverManager.getConnection(v.prefix() + file, props());
        exec(c, "PRAGMA wal_autocheckpoint=0"); // the WAL then only grows: frames per commit can be read off its size
        c.setAutoCommit(false);
        connections.put(v, c);
        terminals.put(v, w.terminal(0, 1, 99));
        files.put(v, file);
        micros.put(v, new ArrayList<>());
      }
      long[][] frames = new long[VARIANTS.size()][2];
      long[][] changes = new long[VARIANTS.size()][2];
      for (int rep = -1; rep < reps; rep++) { // rep -1 warms up
        List<Variant> order = new ArrayList<>(VARIANTS);
        java.util.Collections.rotate(order, rep + 1);
        for (Variant v : order) {
          Connection c = connections.get(v);
          TxWorkload.Terminal terminal = terminals.get(v);
          SQLiteConnection raw = c.unwrap(SQLiteConnection.class);
          Path wal = files.get(v).resolveSibling(files.get(v).getFileName() + "-wal");
          c.rollback();
          long walBefore = Files.exists(wal) ? Files.size(wal) : 0;
          long changesBefore = raw.getDatabase().total_changes();
          long elapsed = 0;
          for (int i = 0; i < block; i++) {
            do {
              terminal.next();
            } while (terminal.type() != type);
            long start = CPU.getCurrentThreadCpuTime();
            terminal.run(c);
            if (v.emulateCheck()) {
              Object exists = one(c, EXISTS);
              if (exists != null) {
                one(c, PENDING);
              }
            }
            elapsed += CPU.getCurrentThreadCpuTime() - start;
          }
          c.rollback();
          int idx = VARIANTS.indexOf(v);
          if (rep >= 0) {
            micros.get(v).add(elapsed / 1e3 / block);
            frames[idx][0] += ((Files.exists(wal) ? Files.size(wal) : 0) - walBefore) / (4096 + 24);
            frames[idx][1] += block;
            changes[idx][0] += raw.getDatabase().total_changes() - changesBefore;
            changes[idx][1] += block;
          }
        }
      }
      System.out.println();
      System.out.printf(Locale.ROOT, "%s %s: CPU µs of the thread per transaction (median of %d blocks of %d; range),"
          + " WAL frames and rows changed (triggers' included) per commit%n", w.name(), w.types().get(type), reps,
          block);
      double plain = median(micros.get(VARIANTS.get(0)));
      for (Variant v : VARIANTS) {
        int idx = VARIANTS.indexOf(v);
        List<Double> m = micros.get(v);
        System.out.printf(Locale.ROOT, "  %-10s %8.1f µs (%6.1f-%6.1f)  %+7.1f µs vs plain  ratio %.2f  %5.2f frames"
            + "  %5.2f changes%n", v.name(), median(m), java.util.Collections.min(m), java.util.Collections.max(m),
            median(m) - plain, plain / median(m), frames[idx][0] / (double) frames[idx][1],
            changes[idx][0] / (double) changes[idx][1]);
      }
    } finally {
      for (Connection c : connections.values()) {
        c.close();
      }
      files.values().forEach(BenchSupport::deleteFile);
    }
  }

  /** The fold's cost per log row: the workload's mix runs on the tracked file through jdbc:sqlite: (no automatic fold). */
  private static void foldCost(Path dir, TxWorkload w, Path[] t) throws Exception {
    Path file = dir.resolve("fold.db");
    BenchSupport.deleteFile(file);
    Files.copy(t[1], file);
    TxWorkload.Terminal terminal = w.terminal(0, 1, 7);
    // The driver connection first: the first driver open after lattice_track follows the schema, and folds.
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + file, props())) {
      try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file, props())) {
        raw.setAutoCommit(false);
        while (terminal.captured() < 20_000) {
          terminal.next();
          terminal.run(raw);
        }
      }
      long pending = oneLong(c, PENDING);
      long start = System.nanoTime();
      long cpu = CPU.getCurrentThreadCpuTime();
      long folded = oneLong(c, "SELECT lattice_fold()");
      double ms = (CPU.getCurrentThreadCpuTime() - cpu) / 1e6;
      double wallMs = (System.nanoTime() - start) / 1e6;
      long commits = java.util.Arrays.stream(terminal.commitsByType()).sum();
      System.out.printf(Locale.ROOT, "%n%s: fold of %,d log rows (%,d pending) from %,d commits of the mix: %,.0f ms CPU"
          + " (%,.0f ms wall) = %.1f µs per log row, %.1f µs per commit%n", w.name(), folded, pending, commits, ms,
          wallMs, ms * 1e3 / folded, ms * 1e3 / commits);
    } finally {
      BenchSupport.deleteFile(file);
    }
  }

  private static Object one(Connection c, String sql) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql); ResultSet r = p.executeQuery()) {
      return r.next() ? r.getObject(1) : null;
    }
  }

  /**
   * Rewrites the capture triggers of a copy by edits joined with {@code +}: DROP drops them; WHEN removes the
   * {@code lattice_applying} check; HLC0 replaces NEW_HLC by 0, HLCWALL by the wall clock alone (no subqueries);
   * REKEYOF declares the rekey trigger {@code AFTER UPDATE OF} the key columns, so that SQLite compiles it only into
   * updates that set a key column; NOCMP drops the value comparison from the update trigger's WHEN (an update that
   * changes nothing would then log mask 0).
   */
  private static void rewriteTriggers(Path file, String how) throws SQLException {
    List<String> edits = List.of(how.split("\\+"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, props())) {
      Map<String, String> triggers = new LinkedHashMap<>();
      try (PreparedStatement p = c.prepareStatement(
          "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'lattice%'");
          ResultSet r = p.executeQuery()) {
        while (r.next()) {
          triggers.put(r.getString(1), r.getString(2));
        }
      }
      if (triggers.isEmpty()) {
        throw new IllegalStateException("no capture triggers in " + file);
      }
      c.setAutoCommit(false);
      Map<String, Boolean> applied = new LinkedHashMap<>();
      edits.forEach(edit -> applied.put(edit, false));
      for (Map.Entry<String, String> e : triggers.entrySet()) {
        String name = e.getKey();
        String sql = e.getValue();
        exec(c, "DROP TRIGGER " + name);
        if (edits.contains("DROP")) {
          applied.put("DROP", true);
          continue;
        }
        for (String edit : edits) {
          String before = sql;
          sql = switch (edit) {
            case "WHEN" -> sql.replace(" AND NOT EXISTS (SELECT 1 FROM lattice_applying)", "")
                .replace("WHEN NOT EXISTS (SELECT 1 FROM lattice_applying) ", "");
            case "HLC0" -> sql.replace(NEW_HLC, "0");
            case "HLCWALL" -> sql.replace(NEW_HLC,
                "max(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) * 65536, 0)");
            case "REKEYOF" -> name.endsWith("_rekey") ? rekeyOf(sql) : sql;
            case "NOCMP" -> name.endsWith("_update")
                ? sql.replaceFirst("\\) AND \\(NEW\\.\"[^\"]+\" IS NOT OLD.*?\\)( AND NOT EXISTS| BEGIN)", ")$1")
                : sql;
            default -> throw new IllegalArgumentException("unknown trigger edit " + edit);
          };
          applied.put(edit, applied.get(edit) || !sql.equals(before));
        }
        exec(c, sql);
      }
      applied.forEach((edit, done) -> {
        if (!done) {
          throw new IllegalStateException("trigger edit " + edit + " changed no trigger of " + file);
        }
      });
      c.commit();
    }
  }

  /** The rekey trigger declared AFTER UPDATE OF its key columns (read from its WHEN clause). */
  private static String rekeyOf(String sql) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("NEW\\.(\"[^\"]+\") IS NOT OLD").matcher(
        sql.substring(0, sql.indexOf(" BEGIN ")));
    List<String> keys = new ArrayList<>();
    while (m.find()) {
      keys.add(m.group(1));
    }
    return sql.replaceFirst(" AFTER UPDATE ON ", " AFTER UPDATE OF " + String.join(", ", keys) + " ON ");
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
