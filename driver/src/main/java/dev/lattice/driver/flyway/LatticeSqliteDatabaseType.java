package dev.lattice.driver.flyway;

import dev.lattice.driver.jdbc.LatticeDriver;
import org.flywaydb.core.internal.database.sqlite.SQLiteDatabaseType;

/**
 * Lets Flyway migrate a database by its {@code jdbc:lattice:sqlite:} URL. Flyway picks a database type by URL prefix
 * and knows only {@code jdbc:sqlite:}; this type claims the Lattice prefix and names Lattice's driver, and is SQLite in
 * everything else. Flyway finds it through {@code META-INF/services/org.flywaydb.core.extensibility.Plugin} whenever
 * both are on the class path. Through a DataSource no plugin is needed: Flyway recognises the connection as SQLite by
 * its product name.
 *
 * <p>Migrations run through the Lattice driver, so capture follows every schema change they make (see
 * docs/architecture.md, "Schema changes").
 */
public class LatticeSqliteDatabaseType extends SQLiteDatabaseType {
  private static final String PREFIX = "jdbc:lattice:sqlite:";

  @Override
  public String getName() {
    return "SQLite (Lattice)";
  }

  @Override
  public boolean handlesJDBCUrl(String url) {
    return url.startsWith(PREFIX);
  }

  /** A connection from a DataSource is left to Flyway's own SQLite type, which serves it as well. */
  @Override
  public boolean handlesDatabaseProductNameAndVersion(String product, String version, java.sql.Connection c) {
    return false;
  }

  @Override
  public String getDriverClass(String url, ClassLoader classLoader) {
    return LatticeDriver.class.getName();
  }
}
