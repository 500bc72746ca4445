package dev.lattice.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.interceptor.NoRollbackRuleAttribute;
import org.springframework.transaction.interceptor.RollbackRuleAttribute;
import org.springframework.transaction.interceptor.RuleBasedTransactionAttribute;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring JDBC 7 over a HikariCP pool: {@code JdbcTemplate} (updates, batches, generated keys, queries, exception
 * translation) and {@code DataSourceTransactionManager} (nested {@code REQUIRES_NEW}, rollback rules, read-only and
 * isolation settings) give the same results and the same translated exceptions on both URLs.
 */
class SpringJdbcTest {
  private static final String[] SCHEMA = {
      "CREATE TABLE accounts(id TEXT PRIMARY KEY NOT NULL, owner TEXT NOT NULL, balance INTEGER NOT NULL)",
      "CREATE TABLE events(id INTEGER PRIMARY KEY NOT NULL, what TEXT NOT NULL)"};

  @TempDir Path dir;

  /** A database with the schema, tracked on LATTICE, behind a pool of 4 in auto-commit (Spring's usual setup). */
  private record Setup(Db db, HikariDataSource pool, JdbcTemplate jdbc, DataSourceTransactionManager transactions)
      implements AutoCloseable {

    static Setup of(Url url, Path dir, String... params) throws Exception {
      Db db = Db.create(dir, url, SCHEMA);
      db.track("accounts", "events");
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(db.urlString(params));
      config.setMaximumPoolSize(4);
      HikariDataSource pool = new HikariDataSource(config);
      return new Setup(db, pool, new JdbcTemplate(pool), new DataSourceTransactionManager(pool));
    }

    TransactionTemplate template(int propagation) {
      TransactionTemplate template = new TransactionTemplate(transactions);
      template.setPropagationBehavior(propagation);
      return template;
    }

    List<Map<String, Object>> accounts() {
      return jdbc.queryForList("SELECT * FROM accounts ORDER BY id");
    }

    @Override
    public void close() throws java.sql.SQLException {
      pool.close();
      Captured.assertCapturedEqualsCommitted(db);
    }
  }

  /** What an exception from Spring says: its class, and the SQL failure under it as sqlite-jdbc told it. */
  private static String translated(Exception e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return e.getClass().getName() + " <- " + Outcome.describe(root);
  }

  private static Object attempt(Supplier<Object> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return translated(e);
    }
  }

  @Test
  void jdbcTemplate_updatesBatchesKeysAndQueries_answerAlike() throws Exception {
    Both.same(dir, (url, dir) -> {
      List<Object> seen = new ArrayList<>();
      try (Setup s = Setup.of(url, dir)) {
        JdbcTemplate jdbc = s.jdbc();
        seen.add(jdbc.update("INSERT INTO accounts VALUES (?, ?, ?)", "a1", "ann", 100));
        seen.add(java.util.Arrays.toString(jdbc.batchUpdate("INSERT INTO accounts VALUES (?, ?, ?)",
            List.of(new Object[] {"a2", "bob", 50}, new Object[] {"a3", "cy", 25}))));
        seen.add(jdbc.update("UPDATE accounts SET balance = balance + ? WHERE owner <> ?", 1, "ann"));
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(c -> {
          PreparedStatement p = c.prepareStatement("INSERT INTO events(what) VALUES (?)", new String[] {"id"});
          p.setString(1, "opened");
          return p;
        }, keys);
        seen.add(keys.getKeyList());
        seen.add(jdbc.queryForObject("SELECT sum(balance) FROM accounts", Long.class));
        seen.add(jdbc.queryForList("SELECT owner FROM accounts WHERE balance > ? ORDER BY owner", String.class, 30));
        seen.add(attempt(() -> jdbc.update("INSERT INTO accounts VALUES (?, ?, ?)", "a1", "dup", 1)));
        seen.add(attempt(() -> jdbc.update("INSERT INTO accounts VALUES (?, ?, ?)", "a9", null, 1)));
        seen.add(attempt(() -> jdbc.queryForObject("SELECT missing FROM accounts", Long.class)));
        seen.add(attempt(() -> jdbc.queryForObject("SELECT balance FROM accounts WHERE id = 'none'", Long.class)));
        jdbc.execute("CREATE INDEX accounts_owner ON accounts(owner)");
        seen.add(s.accounts());
      }
      return seen;
    });
  }

  /** {@code JdbcTemplate.update(sql)} without arguments runs {@code Statement.executeUpdate(sql)}. */
  @Test
  void jdbcTemplate_updateWithoutArguments_countsTheSameRows() throws Exception {
    Both.same(dir, (url, dir) -> {
      try (Setup s = Setup.of(url, dir)) {
        return List.of(s.jdbc().update("INSERT INTO accounts VALUES ('a1', 'ann', 1), ('a2', 'bob', 2)"),
            s.jdbc().update("UPDATE accounts SET balance = balance * 2"),
            s.jdbc().update("DELETE FROM accounts WHERE id = 'a2'"));
      }
    });
  }

  @Test
  void requiresNew_commitsOnItsOwn_whileTheOuterTransactionRollsBack() throws Exception {
    List<Object> plain = Both.same(dir, (url, dir) -> {
      try (Setup s = Setup.of(url, dir)) {
        Object outer = attempt(() -> s.template(TransactionDefinition.PROPAGATION_REQUIRED).execute(status -> {
          s.template(TransactionDefinition.PROPAGATION_REQUIRES_NEW).executeWithoutResult(
              inner -> s.jdbc().update("INSERT INTO accounts VALUES ('inner', 'x', 1)"));
          s.jdbc().update("INSERT INTO accounts VALUES ('outer', 'x', 1)");
          throw new IllegalStateException("outer fails after the inner transaction committed");
        }));
        return List.of(outer, s.accounts());
      }
    });
    assertEquals(List.of(Map.of("id", "inner", "owner", "x", "balance", 1)), plain.get(1));
  }

  /** The inner transaction cannot have the write lock the outer one holds: it waits out busy_timeout, then fails. */
  @Test
  void requiresNew_afterTheOuterTransactionWrote_failsAsSqliteJdbcDoes_afterTheBusyTimeout() throws Exception {
    Both.same(dir, (url, dir) -> {
      try (Setup s = Setup.of(url, dir, "busy_timeout=200")) {
        Object outcome = attempt(() -> s.template(TransactionDefinition.PROPAGATION_REQUIRED).execute(status -> {
          s.jdbc().update("INSERT INTO accounts VALUES ('outer', 'x', 1)");
          return attempt(() -> s.template(TransactionDefinition.PROPAGATION_REQUIRES_NEW).execute(
              inner -> s.jdbc().update("INSERT INTO accounts VALUES ('inner', 'x', 1)")));
        }));
        return List.of(outcome, s.accounts());
      }
    });
  }

  /** As {@code @Transactional} applies rollback rules (TransactionAspectSupport): roll back or commit, then rethrow. */
  private static Object withRules(DataSourceTransactionManager transactions, RuleBasedTransactionAttribute rules,
      Runnable work) {
    TransactionStatus status = transactions.getTransaction(rules);
    try {
      work.run();
    } catch (RuntimeException e) {
      if (rules.rollbackOn(e)) {
        transactions.rollback(status);
      } else {
        transactions.commit(status);
      }
      return translated(e);
    }
    transactions.commit(status);
    return "committed";
  }

  @Test
  void rollbackRules_decideWhetherAFailedTransactionCommits_alike() throws Exception {
    List<Object> plain = Both.same(dir, (url, dir) -> {
      try (Setup s = Setup.of(url, dir)) {
        // Spring 7 has no error codes for SQLite: a constraint violation is an UncategorizedSQLException.
        RuleBasedTransactionAttribute commitDespiteDuplicates = new RuleBasedTransactionAttribute();
        commitDespiteDuplicates.setRollbackRules(List.of(new NoRollbackRuleAttribute(DataAccessException.class)));
        Object first = withRules(s.transactions(), commitDespiteDuplicates, () -> {
          s.jdbc().update("INSERT INTO accounts VALUES ('kept', 'x', 1)");
          s.jdbc().update("INSERT INTO accounts VALUES ('kept', 'duplicate', 1)");
        });
        RuleBasedTransactionAttribute rollBackOnAnything = new RuleBasedTransactionAttribute();
        rollBackOnAnything.setRollbackRules(List.of(new RollbackRuleAttribute(Exception.class)));
        Object second = withRules(s.transactions(), rollBackOnAnything, () -> {
          s.jdbc().update("INSERT INTO accounts VALUES ('gone', 'x', 1)");
          s.jdbc().update("INSERT INTO accounts VALUES ('gone', 'duplicate', 1)");
        });
        return List.of(first, second, s.accounts());
      }
    });
    assertEquals(List.of(Map.of("id", "kept", "owner", "x", "balance", 1)), plain.get(2));
  }

  @Test
  void readOnlyAndIsolationSettings_areAppliedAndResetAlike() throws Exception {
    Both.same(dir, (url, dir) -> {
      List<Object> seen = new ArrayList<>();
      try (Setup s = Setup.of(url, dir)) {
        s.jdbc().update("INSERT INTO accounts VALUES ('a', 'x', 1)");
        TransactionTemplate readOnly = s.template(TransactionDefinition.PROPAGATION_REQUIRED);
        readOnly.setReadOnly(true);
        seen.add(attempt(() -> readOnly.execute(status -> s.jdbc().queryForList("SELECT id FROM accounts"))));
        TransactionTemplate uncommitted = s.template(TransactionDefinition.PROPAGATION_REQUIRED);
        uncommitted.setIsolationLevel(TransactionDefinition.ISOLATION_READ_UNCOMMITTED);
        seen.add(attempt(() -> uncommitted.execute(
            status -> s.jdbc().update("UPDATE accounts SET balance = 2 WHERE id = ?", "a"))));
        TransactionTemplate serializable = s.template(TransactionDefinition.PROPAGATION_REQUIRED);
        serializable.setIsolationLevel(TransactionDefinition.ISOLATION_SERIALIZABLE);
        seen.add(attempt(() -> serializable.execute(
            status -> s.jdbc().update("UPDATE accounts SET balance = 3 WHERE id = ?", "a"))));
        TransactionTemplate repeatable = s.template(TransactionDefinition.PROPAGATION_REQUIRED);
        repeatable.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        seen.add(attempt(() -> repeatable.execute(
            status -> s.jdbc().update("UPDATE accounts SET balance = 4 WHERE id = ?", "a"))));
        TransactionTemplate timed = s.template(TransactionDefinition.PROPAGATION_REQUIRED);
        timed.setTimeout(5);
        seen.add(attempt(() -> timed.execute(
            status -> s.jdbc().update("UPDATE accounts SET balance = 5 WHERE id = ?", "a"))));
        seen.add(s.accounts());
      }
      return seen;
    });
  }
}
