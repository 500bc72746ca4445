package dev.lattice.driver.capture;

import dev.lattice.core.SiteId;
import dev.lattice.driver.Change;
import dev.lattice.driver.Conflict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists and resolves the concurrent edits {@link Merger} recorded. Resolving with the losing value writes it through
 * the application's table like any other write, so the capture triggers version it and it syncs to every replica;
 * keeping the winner only forgets the record.
 */
final class Conflicts {
  private static final String SELECT = "SELECT k.id, t.name, k.pk, c.name, k.winner_value, k.winner_site,"
      + " k.winner_seq, k.winner_hlc, k.loser_value, k.loser_site, k.loser_seq, k.loser_hlc, k.cl, k.detected_at"
      + " FROM lattice_conflict_log k JOIN lattice_tables t ON t.id = k.tbl"
      + " JOIN lattice_columns c ON c.tbl = k.tbl AND c.role = 'value' AND c.position = k.col";

  private Conflicts() {}

  static List<Conflict> list(Connection c) throws SQLException {
    List<Conflict> conflicts = new ArrayList<>();
    if (!LatticeSchema.exists(c)) {
      return conflicts;
    }
    try (PreparedStatement p = c.prepareStatement(SELECT + " ORDER BY k.id"); ResultSet r = p.executeQuery()) {
      while (r.next()) {
        conflicts.add(read(r));
      }
    }
    return conflicts;
  }

  static boolean resolve(Connection c, long id, boolean takeLoser) throws SQLException {
    return Transactions.write(c, "lattice_resolve", () -> {
      Conflict conflict;
      try (PreparedStatement p = c.prepareStatement(SELECT + " WHERE k.id = ?")) {
        p.setLong(1, id);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            return false;
          }
          conflict = read(r);
        }
      }
      if (takeLoser) {
        TrackedTables.Registered table = TrackedTables.byName(c, conflict.table());
        TableShape shape = table.shape();
        Object[] key = PrimaryKeyCodec.decode(conflict.pk(), shape.pkColumns().size());
        Object[] args = new Object[key.length + 1];
        args[0] = conflict.loser().value();
        System.arraycopy(key, 0, args, 1, key.length);
        Sql.update(c, "UPDATE " + Sql.id(shape.name()) + " SET " + Sql.id(conflict.column()) + " = ? WHERE "
            + RowLookup.whereKey(shape), args);
      }
      Sql.update(c, "DELETE FROM lattice_conflict_log WHERE id = ?", id);
      return true;
    });
  }

  static long clear(Connection c) throws SQLException {
    return LatticeSchema.exists(c) ? Sql.update(c, "DELETE FROM lattice_conflict_log") : 0;
  }

  private static Conflict read(ResultSet r) throws SQLException {
    String table = r.getString(2);
    Object pk = Sql.normalize(r.getObject(3));
    String column = r.getString(4);
    long cl = r.getLong(13);
    Change winner = new Change(table, pk, column, Sql.normalize(r.getObject(5)), SiteId.of(r.getBytes(6)),
        r.getLong(7), r.getLong(8), cl);
    Change loser = new Change(table, pk, column, Sql.normalize(r.getObject(9)), SiteId.of(r.getBytes(10)),
        r.getLong(11), r.getLong(12), cl);
    return new Conflict(r.getLong(1), table, pk, column, winner, loser, r.getLong(14));
  }
}
