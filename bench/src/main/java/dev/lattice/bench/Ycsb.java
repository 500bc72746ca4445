package dev.lattice.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A YCSB-like workload: {@code usertable(ycsb_key TEXT PRIMARY KEY NOT NULL, field0 .. field9 TEXT)}, keys as YCSB
 * makes them ({@code "user"} and the FNV-1a hash of the record number), fields of 16 letters. Each transaction is one
 * operation and its commit: a read of every field of one record, an update of one field, or an insert of a new
 * record. Records are chosen by YCSB's scrambled zipfian distribution (constant 0.99) over the loaded records, so a few
 * are hot; inserts take new record numbers, distinct per thread.
 *
 * <p>Mixes: A is 50 % reads and 50 % updates, B 95 % and 5 %; the insert share ({@code --insert-share}, 5 % by
 * default) is taken from both in proportion.
 */
final class Ycsb implements TxWorkload {
  static final int FIELDS = 10;
  private static final int FIELD_LENGTH = 16;
  static final int READ = 0;
  static final int UPDATE = 1;
  static final int INSERT = 2;

  private final String name;
  private final int records;
  /** Per mille of reads and of updates; inserts are the rest. */
  private final int readPerMille;
  private final int updatePerMille;
  private final Zipfian zipfian;

  private Ycsb(String name, int records, double readShare, int insertPercent) {
    this.name = name;
    this.records = records;
    double rest = 1000 - insertPercent * 10;
    this.readPerMille = (int) Math.round(rest * readShare);
    this.updatePerMille = (int) Math.round(rest) - readPerMille;
    this.zipfian = new Zipfian(records);
  }

  static Ycsb a(int records, int insertPercent) {
    return new Ycsb("ycsb-a", records, 0.5, insertPercent);
  }

  static Ycsb b(int records, int insertPercent) {
    return new Ycsb("ycsb-b", records, 0.95, insertPercent);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String base() {
    return "ycsb";
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "%s: usertable of %,d records (TEXT key, %d fields of %d letters), zipfian 0.99;"
        + " read %.1f%%, update of one field %.1f%%, insert %.1f%%; one statement and a commit per transaction", name,
        records, FIELDS, FIELD_LENGTH, readPerMille / 10.0, updatePerMille / 10.0,
        (1000 - readPerMille - updatePerMille) / 10.0);
  }

  @Override
  public void load(Connection c) throws SQLException {
    StringBuilder ddl = new StringBuilder("CREATE TABLE usertable(ycsb_key TEXT PRIMARY KEY NOT NULL");
    for (int f = 0; f < FIELDS; f++) {
      ddl.append(", field").append(f).append(" TEXT");
    }
    try (Statement s = c.createStatement()) {
      s.execute(ddl.append(')').toString());
    }
    SplittableRandom random = new SplittableRandom(1_234_567L);
    try (PreparedStatement insert = c.prepareStatement(insertSql())) {
      for (int i = 0; i < records; i++) {
        insert.setString(1, key(i));
        for (int f = 0; f < FIELDS; f++) {
          insert.setString(2 + f, TxWorkload.text(random, FIELD_LENGTH));
        }
        insert.executeUpdate();
      }
    }
  }

  private static String insertSql() {
    return "INSERT INTO usertable VALUES (?" + ", ?".repeat(FIELDS) + ")";
  }

  /** YCSB's key for record {@code n}: "user" and the FNV-1a hash of the number, so inserts land all over the index. */
  static String key(long n) {
    return "user" + Long.toUnsignedString(fnv(n));
  }

  static long fnv(long value) {
    long hash = 0xCBF29CE484222325L;
    for (int i = 0; i < 8; i++) {
      hash ^= (value >>> (i * 8)) & 0xff;
      hash *= 0x100000001B3L;
    }
    return hash;
  }

  @Override
  public List<String> trackedTables() {
    return List.of("usertable");
  }

  @Override
  public List<String> countedTables() {
    return List.of("usertable");
  }

  @Override
  public List<String> types() {
    return List.of("read", "update", "insert");
  }

  @Override
  public Terminal terminal(int thread, int threads, long seed) {
    return new YcsbTerminal(records, thread, threads, seed);
  }

  /** Inserts from record number 10^12 on, far from those of the measured terminals. */
  @Override
  public Terminal history(long seed) {
    return new YcsbTerminal(1_000_000_000_000L, 0, 1, seed);
  }

  @Override
  public boolean readOnly(int type) {
    return type == READ;
  }

  private final class YcsbTerminal implements Terminal {
    private final SplittableRandom random;
    /** Record number of this terminal's first insert: inserts take keyBase + thread + threads * k. */
    private final long keyBase;
    private final int thread;
    private final int threads;
    private final long[] commits = new long[3];
    private final long[] delta = new long[1];
    private long captured;
    private long inserted;

    private int type;
    private String key;
    private int field;
    private final String[] values = new String[FIELDS];

    YcsbTerminal(long keyBase, int thread, int threads, long seed) {
      this.random = new SplittableRandom(seed);
      this.keyBase = keyBase;
      this.thread = thread;
      this.threads = threads;
    }

    @Override
    public void next() {
      int roll = random.nextInt(1000);
      type = roll < readPerMille ? READ : roll < readPerMille + updatePerMille ? UPDATE : INSERT;
      if (type == INSERT) {
        key = key(keyBase + thread + (long) threads * inserted);
        for (int f = 0; f < FIELDS; f++) {
          values[f] = TxWorkload.text(random, FIELD_LENGTH);
        }
      } else {
        key = key(Long.remainderUnsigned(fnv(zipfian.next(random)), records));
        field = random.nextInt(FIELDS);
        values[0] = TxWorkload.text(random, FIELD_LENGTH);
      }
    }

    @Override
    public void run(Connection c) throws SQLException {
      switch (type) {
        case READ -> {
          try (PreparedStatement p = c.prepareStatement("SELECT * FROM usertable WHERE ycsb_key = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                throw new IllegalStateException("ycsb: no record " + key);
              }
              for (int f = 1; f <= FIELDS + 1; f++) {
                r.getString(f);
              }
            }
          }
        }
        case UPDATE -> {
          try (PreparedStatement p = c.prepareStatement("UPDATE usertable SET field" + field
              + " = ? WHERE ycsb_key = ?")) {
            p.setString(1, values[0]);
            p.setString(2, key);
            BenchSupport.expect(1, p.executeUpdate(), "records updated");
          }
        }
        default -> {
          try (PreparedStatement p = c.prepareStatement(insertSql())) {
            p.setString(1, key);
            for (int f = 0; f < FIELDS; f++) {
              p.setString(2 + f, values[f]);
            }
            BenchSupport.expect(1, p.executeUpdate(), "records inserted");
          }
        }
      }
      c.commit();
      commits[type]++;
      if (type != READ) {
        captured++;
      }
      if (type == INSERT) {
        inserted++;
        delta[0]++;
      }
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

  /** YCSB's zipfian generator (Gray et al., "Quickly generating billion-record synthetic databases"), over 0..n-1. */
  static final class Zipfian {
    private static final double THETA = 0.99;
    private final long items;
    private final double zetan;
    private final double alpha;
    private final double eta;

    Zipfian(long items) {
      this.items = items;
      this.zetan = zeta(items);
      double zeta2 = zeta(2);
      this.alpha = 1 / (1 - THETA);
      this.eta = (1 - Math.pow(2.0 / items, 1 - THETA)) / (1 - zeta2 / zetan);
    }

    private static double zeta(long n) {
      double sum = 0;
      for (long i = 1; i <= n; i++) {
        sum += 1 / Math.pow(i, THETA);
      }
      return sum;
    }

    long next(SplittableRandom random) {
      double u = random.nextDouble();
      double uz = u * zetan;
      if (uz < 1) {
        return 0;
      }
      if (uz < 1 + Math.pow(0.5, THETA)) {
        return 1;
      }
      return Math.min(items - 1, (long) (items * Math.pow(eta * u - eta + 1, alpha)));
    }
  }
}
