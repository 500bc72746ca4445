package dev.lattice.driver.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The references to a numbered table that the application named in its track options ({@code referencedBy}) because
 * no foreign key declares them: kept in {@code lattice_meta}, one entry per referring table, its columns as a JSON
 * array written and read by SQLite's JSON functions.
 */
final class NamedReferences {
  private NamedReferences() {}

  /** Replaces the references named for the table registered as {@code tableId}. */
  static void write(Connection c, int tableId, Map<String, List<String>> referencedBy) throws SQLException {
    Sql.update(c, "DELETE FROM lattice_meta WHERE key >= ? AND key < ?", prefix(tableId), end(tableId));
    for (Map.Entry<String, List<String>> reference : referencedBy.entrySet()) {
      StringBuilder array = new StringBuilder("json_array(");
      for (int i = 0; i < reference.getValue().size(); i++) {
        array.append(i == 0 ? "?" : ", ?");
      }
      List<Object> args = new ArrayList<>();
      args.add(prefix(tableId) + reference.getKey());
      args.addAll(reference.getValue());
      Sql.update(c, "INSERT INTO lattice_meta(key, value) VALUES (?, " + array + "))", args.toArray());
    }
  }

  /** The references named for the table registered as {@code tableId}: per referring table, its columns. */
  static Map<String, List<String>> read(Connection c, int tableId) throws SQLException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT substr(m.key, ?), j.value FROM lattice_meta m,"
        + " json_each(m.value) j WHERE m.key >= ? AND m.key < ? ORDER BY m.key, j.key")) {
      p.setInt(1, prefix(tableId).length() + 1);
      p.setString(2, prefix(tableId));
      p.setString(3, end(tableId));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2));
        }
      }
    }
    return out;
  }

  private static String prefix(int tableId) {
    return "referencedBy:" + tableId + ":";
  }

  private static String end(int tableId) {
    return "referencedBy:" + tableId + ";"; // ';' follows ':': every key of the table sorts before it
  }
}
