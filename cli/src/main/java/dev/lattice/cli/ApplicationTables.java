package dev.lattice.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The tables an application made in a database: not SQLite's own, not Lattice's, not a virtual table's shadows. */
final class ApplicationTables {
  private ApplicationTables() {}

  static List<String> of(Connection c) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT name FROM pragma_table_list WHERE schema = 'main'"
        + " AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        + " AND name NOT LIKE 'lattice\\_%' ESCAPE '\\' ORDER BY name");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    return names;
  }
}
