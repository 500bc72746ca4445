package dev.lattice.driver.capture;

import dev.lattice.core.SiteId;
import dev.lattice.driver.SqlStates;
import dev.lattice.driver.TrackOptions;
import dev.lattice.driver.TrackReport;
import dev.lattice.merkle.CellIdHasher;
import dev.lattice.merkle.NodeSummary;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * The {@code lattice_*} SQL functions of driver connections. Conveniences only: capture never depends on them (see
 * {@link TriggerSql}), and the same operations exist in the Java API.
 *
 * <ul>
 *   <li>{@code lattice_track(table [, options])}: start capture; returns a report, warnings included. Options are
 *       JSON: {@code {"counters": ["views"]}} declares counter columns.
 *   <li>{@code lattice_untrack(table)}: stop capture; returns 1 if the table was tracked.
 *   <li>{@code lattice_site_id()}: this replica's 16-byte site id (created on first use).
 *   <li>{@code lattice_fold()}: fold the capture log now; returns the number of log rows folded.
 *   <li>{@code lattice_merkle_root()}: the reconciliation tree's root as JSON text,
 *       {@code {"items": 1234, "digest": "<32 hex digits>"}}; call it outside a transaction.
 *   <li>{@code lattice_resolve(id, 'keep' | 'take')}: settle a conflict listed in {@code lattice_conflicts}, keeping
 *       the winner or writing the losing value back as an ordinary change; returns 1 if the conflict existed.
 *   <li>{@code lattice_clear_conflicts()}: forget every recorded conflict; returns how many there were.
 * </ul>
 */
final class SqlFunctions {
  private SqlFunctions() {}

  static void register(SQLiteConnection c, Consumer<SQLWarning> warnings) throws SQLException {
    Function.create(c, "lattice_track", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        if (args() < 1 || args() > 2) {
          throw new SQLException("lattice_track(table [, options]) takes 1 or 2 arguments, got " + args());
        }
        TrackOptions options = args() == 2 ? trackOptions(c, value_text(1)) : TrackOptions.DEFAULT;
        TrackReport report = Tracker.track(c, requireText(0, "lattice_track(table)"), options);
        report.warnings().forEach(w -> warnings.accept(new SQLWarning(w, SqlStates.WARNING)));
        result(report.toString());
      }
    }, -1, 0);
    Function.create(c, "lattice_untrack", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        requireArgs("lattice_untrack(table)", 1);
        result(Tracker.untrack(c, requireText(0, "lattice_untrack(table)")) ? 1 : 0);
      }
    }, 1, 0);
    Function.create(c, "lattice_site_id", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        SiteId site = LatticeSchema.siteId(c);
        if (site == null) {
          Transactions.write(c, "lattice_init", () -> {
            LatticeSchema.ensure(c);
            return null;
          });
          site = LatticeSchema.siteId(c);
        }
        result(site.bytes());
      }
    }, 0, 0);
    Function.create(c, "lattice_fold", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        result(LogFold.fold(c));
      }
    }, 0, 0);
    Function.create(c, "lattice_merkle_root", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        NodeSummary root = ReplicaEngine.merkleRoot(c, CellIdHasher.unkeyed());
        result("{\"items\":" + root.count() + ",\"digest\":\"" + root.digest() + "\"}");
      }
    }, 0, 0);
    registerConflictFunctions(c);
  }

  /**
   * Reads {@code {"counters": [...], "numbered": true, "referencedBy": {"table": ["column", ...]}}} with SQLite's own
   * JSON functions; any other key is a mistake worth naming.
   */
  static TrackOptions trackOptions(SQLiteConnection c, String json) throws SQLException {
    if (json == null) {
      return TrackOptions.DEFAULT;
    }
    Set<String> counters = new TreeSet<>();
    boolean numbered = false;
    java.util.Map<String, java.util.List<String>> referencedBy = new java.util.TreeMap<>();
    try {
      try (PreparedStatement p = c.prepareStatement("SELECT key, type FROM json_each(?)")) {
        p.setString(1, json);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            String key = r.getString(1);
            String type = r.getString(2);
            if ("numbered".equals(key) && ("true".equals(type) || "false".equals(type))) {
              numbered = "true".equals(type);
            } else if (!("counters".equals(key) && "array".equals(type))
                && !("referencedBy".equals(key) && "object".equals(type))) {
              throw new SQLException("lattice_track options: unknown or misused key \"" + key + "\" in " + json
                  + "; the options are {\"counters\": [\"column\", ...], \"numbered\": true, \"referencedBy\":"
                  + " {\"table\": [\"column\", ...]}}");
            }
          }
        }
      }
      try (PreparedStatement p = c.prepareStatement("SELECT value, type FROM json_each(?, '$.counters')")) {
        p.setString(1, json);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            if (!"text".equals(r.getString(2))) {
              throw new SQLException("lattice_track options: counters lists column names, found " + r.getString(1));
            }
            counters.add(r.getString(1));
          }
        }
      }
      try (PreparedStatement p = c.prepareStatement("SELECT t.key, c.value, c.type, t.type FROM json_each(?,"
          + " '$.referencedBy') t LEFT JOIN json_each(CASE t.type WHEN 'array' THEN t.value ELSE '[]' END) c"
          + " ORDER BY t.key, c.key")) {
        p.setString(1, json);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            if (!"array".equals(r.getString(4)) || !"text".equals(r.getString(3))) {
              throw new SQLException("lattice_track options: referencedBy maps a table to the names of its columns that"
                  + " refer to this one, as {\"invoices\": [\"customer_id\"]}; found " + r.getString(1) + ": "
                  + r.getString(2));
            }
            referencedBy.computeIfAbsent(r.getString(1), k -> new java.util.ArrayList<>()).add(r.getString(2));
          }
        }
      }
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("malformed JSON")) {
        throw new SQLException("lattice_track options are not valid JSON: " + json + "; expected for example"
            + " {\"counters\": [\"views\"]}", SqlStates.DATA_EXCEPTION, e);
      }
      throw e;
    }
    return new TrackOptions(counters, numbered, referencedBy);
  }

  private static void registerConflictFunctions(SQLiteConnection c) throws SQLException {
    Function.create(c, "lattice_resolve", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        requireArgs("lattice_resolve(id, 'keep' | 'take')", 2);
        String how = value_text(1);
        if (!"keep".equals(how) && !"take".equals(how)) {
          throw new SQLException("lattice_resolve(id, how): how is 'keep' (the winner stays) or 'take' (write the"
              + " losing value), was " + how);
        }
        result(Conflicts.resolve(c, value_long(0), "take".equals(how)) ? 1 : 0);
      }
    }, 2, 0);
    Function.create(c, "lattice_clear_conflicts", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        result(Conflicts.clear(c));
      }
    }, 0, 0);
  }

  private abstract static class Function extends org.sqlite.Function {
    void requireArgs(String signature, int count) throws SQLException {
      if (args() != count) {
        throw new SQLException(signature + " takes " + count + " argument(s), got " + args());
      }
    }

    String requireText(int arg, String signature) throws SQLException {
      String text = value_text(arg);
      if (text == null) {
        throw new SQLException(signature + ": the table name is NULL");
      }
      return text;
    }
  }
}
