package dev.lattice.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.driver.jdbc.LatticeDriver;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.JDBC;

/**
 * {@link DatabaseMetaData} as frameworks read it (Hibernate and Flyway at boot, jOOQ's and Spring's dialect detection,
 * schema tools): the same answers for the application's schema. What differs on purpose: {@code getURL()} is the URL
 * the application opened, and the tables list has Lattice's own tables, all named {@code lattice_*}, once a table is
 * tracked.
 */
class DatabaseMetaDataTest {
  private static final String[] SCHEMA = {
      "CREATE TABLE artist(id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL UNIQUE, born INTEGER)",
      "CREATE TABLE album(artist TEXT NOT NULL REFERENCES artist(id) ON DELETE CASCADE, no INTEGER NOT NULL,"
          + " title TEXT DEFAULT 'untitled', price REAL, cover BLOB, PRIMARY KEY (artist, no)) WITHOUT ROWID",
      "CREATE INDEX album_title ON album(title)",
      "CREATE VIEW titles AS SELECT title FROM album"};

  /** The application's own tables and views, which every per-table call below asks about. */
  private static final List<String> APP_TABLES = List.of("artist", "album", "titles");

  @TempDir Path dir;

  /** Every argument-less metadata method, but those whose answer is an object of the driver's or is the URL. */
  private static Map<String, Outcome> everyPlainAnswer(DatabaseMetaData meta) throws Exception {
    Map<String, Outcome> answers = new LinkedHashMap<>();
    Method[] methods = DatabaseMetaData.class.getMethods();
    Arrays.sort(methods, Comparator.comparing(Method::getName));
    for (Method method : methods) {
      if (method.getParameterCount() > 0 || Modifier.isStatic(method.getModifiers())
          || List.of("getConnection", "getURL", "getRowIdLifetime").contains(method.getName())) {
        continue;
      }
      answers.put(method.getName(), Outcome.of(() -> {
        Object value;
        try {
          value = method.invoke(meta);
        } catch (InvocationTargetException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
        if (value instanceof ResultSet r) {
          try (r) {
            return Db.rows(r);
          }
        }
        return value;
      }));
    }
    answers.put("getRowIdLifetime", Outcome.of(() -> String.valueOf(meta.getRowIdLifetime())));
    return answers;
  }

  /** What a framework reads about one table. */
  private static Map<String, Object> tableAnswers(DatabaseMetaData meta, String table) throws Exception {
    Map<String, Object> answers = new LinkedHashMap<>();
    answers.put("getTables", Outcome.of(() -> Db.rows(meta.getTables(null, null, table, null))));
    answers.put("getColumns", Outcome.of(() -> Db.rows(meta.getColumns(null, null, table, "%"))));
    answers.put("getPrimaryKeys", Outcome.of(() -> Db.rows(meta.getPrimaryKeys(null, null, table))));
    answers.put("getIndexInfo", Outcome.of(() -> Db.rows(meta.getIndexInfo(null, null, table, false, false))));
    answers.put("getUniqueIndexInfo", Outcome.of(() -> Db.rows(meta.getIndexInfo(null, null, table, true, false))));
    answers.put("getImportedKeys", Outcome.of(() -> Db.rows(meta.getImportedKeys(null, null, table))));
    answers.put("getExportedKeys", Outcome.of(() -> Db.rows(meta.getExportedKeys(null, null, table))));
    answers.put("getCrossReference", Outcome.of(() -> Db.rows(meta.getCrossReference(null, null, "artist", null,
        null, table))));
    answers.put("getBestRowIdentifier", Outcome.of(() -> Db.rows(meta.getBestRowIdentifier(null, null, table,
        DatabaseMetaData.bestRowSession, true))));
    answers.put("getVersionColumns", Outcome.of(() -> Db.rows(meta.getVersionColumns(null, null, table))));
    answers.put("getColumnPrivileges", Outcome.of(() -> Db.rows(meta.getColumnPrivileges(null, null, table, "%"))));
    answers.put("getTablePrivileges", Outcome.of(() -> Db.rows(meta.getTablePrivileges(null, null, table))));
    answers.put("getPseudoColumns", Outcome.of(() -> Db.rows(meta.getPseudoColumns(null, null, table, "%"))));
    return answers;
  }

  private static List<String> tableNames(DatabaseMetaData meta) throws Exception {
    List<String> names = new ArrayList<>();
    try (ResultSet r = meta.getTables(null, null, "%", null)) {
      while (r.next()) {
        names.add(r.getString("TABLE_TYPE") + " " + r.getString("TABLE_NAME"));
      }
    }
    return names;
  }

  @Test
  void everyAnswerAboutTheDriverAndTheDatabase_isTheSame() throws Exception {
    Map<String, Outcome> plain = Both.same(dir, (url, dir) -> {
      Db db = Db.create(dir, url, SCHEMA);
      db.track("artist", "album");
      try (Connection c = db.open()) {
        return everyPlainAnswer(c.getMetaData());
      }
    });
    assertEquals(new Outcome("SQLite JDBC", null), plain.get("getDriverName"),
        "the driver name both report, Lattice being a layer (LatticeDatabaseMetaData)");
    assertEquals(new Outcome("SQLite", null), plain.get("getDatabaseProductName"));
  }

  @Test
  void everyAnswerAboutTheApplicationsTables_isTheSame() throws Exception {
    Both.same(dir, (url, dir) -> {
      Db db = Db.create(dir, url, SCHEMA);
      db.track("artist", "album");
      Map<String, Object> answers = new LinkedHashMap<>();
      try (Connection c = db.open()) {
        DatabaseMetaData meta = c.getMetaData();
        for (String table : APP_TABLES) {
          answers.put(table, tableAnswers(meta, table));
        }
        answers.put("getSchemas", Db.rows(meta.getSchemas()));
        answers.put("getCatalogs", Db.rows(meta.getCatalogs()));
      }
      return answers;
    });
  }

  /** Lattice's own tables and their indexes. */
  private static boolean isLatticesOwn(String typeAndName) {
    return typeAndName.matches("(TABLE|VIEW|SYSTEM TABLE|GLOBAL TEMPORARY) (sqlite_autoindex_)?lattice_\\w+");
  }

  @Test
  void theTablesListed_areTheSame_andTrackingAddsOnlyLatticesOwn_allNamedLattice() throws Exception {
    List<String> latticesOwn = new ArrayList<>();
    Both.same(dir, (url, dir) -> {
      Db db = Db.create(dir, url, SCHEMA);
      List<List<String>> listed = new ArrayList<>();
      try (Connection c = db.open()) {
        listed.add(tableNames(c.getMetaData()));
      }
      db.track("artist", "album");
      try (Connection c = db.open()) {
        List<String> names = tableNames(c.getMetaData());
        names.stream().filter(DatabaseMetaDataTest::isLatticesOwn).forEach(latticesOwn::add);
        names.removeIf(DatabaseMetaDataTest::isLatticesOwn);
        listed.add(names);
      }
      return listed;
    });
    assertFalse(latticesOwn.isEmpty(), "tracking on jdbc:lattice:sqlite: adds Lattice's tables");
  }

  @OnBothUrls
  void theDriverFoundForTheUrl_isTheOneThatOwnsIt(Url url) throws Exception {
    Db db = Db.create(dir, url);
    Driver driver = DriverManager.getDriver(db.urlString());
    if (url.isLattice()) {
      assertInstanceOf(LatticeDriver.class, driver);
      assertEquals(List.of(0, 1), List.of(driver.getMajorVersion(), driver.getMinorVersion()),
          "Lattice's own version, 0.x while its metadata and wire format may change (README)");
    } else {
      assertInstanceOf(JDBC.class, driver);
    }
    assertTrue(driver.acceptsURL(db.urlString()));
  }
}
