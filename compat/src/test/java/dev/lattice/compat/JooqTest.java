package dev.lattice.compat;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.Settings;
import org.jooq.conf.StatementType;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jOOQ 3.19 ({@code SQLDialect.SQLITE}) over a HikariCP pool: batches, {@code RETURNING}, generated keys, nested
 * transactions (savepoints) give the same results on both URLs.
 */
class JooqTest {
  private static final Table<Record> ITEMS = table(name("items"));
  private static final Field<String> ID = field(name("id"), String.class);
  private static final Field<String> NAME = field(name("name"), String.class);
  private static final Field<Integer> QTY = field(name("qty"), Integer.class);
  private static final Table<Record> EVENTS = table(name("events"));
  private static final Field<Long> EVENT_ID = field(name("id"), Long.class);
  private static final Field<String> WHAT = field(name("what"), String.class);

  @TempDir Path dir;

  private record Setup(Db db, HikariDataSource pool) implements AutoCloseable {
    static Setup of(Url url, Path dir) throws Exception {
      Db db = Db.create(dir, url,
          "CREATE TABLE items(id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, qty INTEGER NOT NULL)",
          "CREATE TABLE events(id INTEGER PRIMARY KEY NOT NULL, what TEXT NOT NULL)");
      db.track("items", "events");
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(db.urlString());
      config.setMaximumPoolSize(2);
      return new Setup(db, new HikariDataSource(config));
    }

    DSLContext jooq() {
      return DSL.using(pool, SQLDialect.SQLITE, new Settings().withRenderFormatted(false));
    }

    DSLContext jooq(Settings settings) {
      return DSL.using(pool, SQLDialect.SQLITE, settings);
    }

    List<List<Object>> items() throws Exception {
      return db.query("SELECT * FROM items ORDER BY id");
    }

    @Override
    public void close() throws java.sql.SQLException {
      pool.close();
      Captured.assertCapturedEqualsCommitted(db);
    }
  }

  private static List<List<Object>> rows(Result<? extends Record> result) {
    List<List<Object>> rows = new ArrayList<>();
    for (Record r : result) {
      rows.add(Arrays.asList(r.intoArray()));
    }
    return rows;
  }

  @Test
  void batches_bindAndStatementBatches_returnTheSameCounts() throws Exception {
    Both.same(dir, (url, dir) -> {
      List<Object> seen = new ArrayList<>();
      try (Setup s = Setup.of(url, dir)) {
        DSLContext jooq = s.jooq();
        seen.add(Arrays.toString(jooq.batch(jooq.insertInto(ITEMS, ID, NAME, QTY).values((String) null, null, null))
            .bind("a", "apple", 1).bind("b", "banana", 2).bind("c", "cherry", 3).execute()));
        seen.add(Arrays.toString(jooq.batch(
            jooq.update(ITEMS).set(QTY, QTY.plus(10)).where(ID.ne("a")),
            jooq.deleteFrom(ITEMS).where(ID.eq("c")),
            jooq.insertInto(EVENTS, WHAT).values("batched")).execute()));
        seen.add(s.items());
      }
      return seen;
    });
  }

  @Test
  void returning_andGeneratedKeys_giveTheSameRows() throws Exception {
    Both.same(dir, (url, dir) -> {
      List<Object> seen = new ArrayList<>();
      try (Setup s = Setup.of(url, dir)) {
        DSLContext jooq = s.jooq();
        seen.add(rows(jooq.insertInto(ITEMS, ID, NAME, QTY).values("a", "apple", 1).values("b", "banana", 2)
            .returningResult(ID, QTY).fetch()));
        seen.add(rows(jooq.update(ITEMS).set(QTY, QTY.times(3)).where(ID.eq("b")).returningResult(QTY).fetch()));
        seen.add(rows(jooq.deleteFrom(ITEMS).where(ID.eq("a")).returningResult(ID, NAME).fetch()));
        seen.add(jooq.insertInto(EVENTS, WHAT).values("first").returningResult(EVENT_ID).fetchOne().value1());
        seen.add(jooq.insertInto(EVENTS, WHAT).values("second").returningResult(EVENT_ID, WHAT).fetchOne().intoList());
        seen.add(jooq.insertInto(EVENTS, WHAT).values("third").execute());
        seen.add(jooq.transactionResult(tx -> {
          DSL.using(tx).insertInto(EVENTS, WHAT).values("fourth").execute();
          return DSL.using(tx).lastID();
        }));
        seen.add(jooq.fetch("SELECT * FROM events ORDER BY id").intoArrays().length);
        seen.add(s.items());
      }
      return seen;
    });
  }

  /** With {@code StatementType.STATIC_STATEMENT} jOOQ inlines values and runs {@code Statement.executeUpdate}. */
  @Test
  void staticStatements_countTheSameRows() throws Exception {
    Both.same(dir, (url, dir) -> {
      List<Object> seen = new ArrayList<>();
      try (Setup s = Setup.of(url, dir)) {
        DSLContext jooq = s.jooq(new Settings().withStatementType(StatementType.STATIC_STATEMENT));
        seen.add(jooq.insertInto(ITEMS, ID, NAME, QTY).values("a", "apple", 1).values("b", "banana", 2).execute());
        seen.add(jooq.update(ITEMS).set(QTY, 5).execute());
        seen.add(jooq.deleteFrom(ITEMS).where(ID.eq("a")).execute());
        seen.add(s.items());
      }
      return seen;
    });
  }

  @Test
  void nestedTransactions_rollBackToTheirSavepoint_andTheOuterCommits() throws Exception {
    List<Object> plain = Both.same(dir, (url, dir) -> {
      List<Object> seen = new ArrayList<>();
      try (Setup s = Setup.of(url, dir)) {
        s.jooq().transaction(outer -> {
          DSL.using(outer).insertInto(ITEMS, ID, NAME, QTY).values("outer-1", "x", 1).execute();
          try {
            DSL.using(outer).transaction(inner -> {
              DSL.using(inner).insertInto(ITEMS, ID, NAME, QTY).values("inner", "x", 1).execute();
              DSL.using(inner).update(ITEMS).set(NAME, "changed").execute();
              throw new IllegalStateException("the nested transaction fails");
            });
          } catch (IllegalStateException expected) {
            seen.add(expected.getMessage());
          }
          DSL.using(outer).transaction(inner ->
              DSL.using(inner).insertInto(ITEMS, ID, NAME, QTY).values("nested-kept", "x", 1).execute());
          DSL.using(outer).insertInto(ITEMS, ID, NAME, QTY).values("outer-2", "x", 1).execute();
        });
        seen.add(String.valueOf(attemptTransaction(s.jooq())));
        seen.add(s.items());
      }
      return seen;
    });
    assertEquals(List.of(List.of("nested-kept", "x", 1L), List.of("outer-1", "x", 1L), List.of("outer-2", "x", 1L)),
        plain.get(2));
  }

  /** A transaction whose work fails: rolled back as a whole, the exception passed on. */
  private static Object attemptTransaction(DSLContext jooq) {
    try {
      jooq.transaction(tx -> {
        DSL.using(tx).insertInto(ITEMS, ID, NAME, QTY).values("rolled-back", "x", 1).execute();
        DSL.using(tx).insertInto(ITEMS, ID, NAME, QTY).values("outer-1", "duplicate", 1).execute();
      });
      return "committed";
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return e.getClass().getName() + " <- " + Outcome.describe(root);
    }
  }
}
