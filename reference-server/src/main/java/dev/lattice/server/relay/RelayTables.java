package dev.lattice.server.relay;

import dev.lattice.sync.wire.Envelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes one space's envelopes in the relay tables. Works inside the caller's transaction, preparing each
 * statement once for it: a sync that sends a thousand rows reads each with two statements, and preparing them again
 * for every row cost the server as much as running them. Close it before the transaction ends.
 */
final class RelayTables implements AutoCloseable {
  private static final byte[] NO_CONTRIBUTOR = new byte[0];

  private enum Query {
    ROW("SELECT cl, hlc, site, seq, payload FROM relay_rows WHERE space = ? AND row = ?"),
    /**
     * The row's cells are found through {@code relay_cells_by_row} in a subquery: asked for them directly, SQLite
     * (without statistics) searched the primary key by space alone and so read every cell of the space for each row (a
     * first upload of Chinook, 15,600 rows, did not finish in a minute). Sorted in Java, so that no {@code ORDER BY}
     * tempts the planner back.
     */
    CELLS_OF_ROW("SELECT cell, kind, cl, hlc, site, seq, payload, contributor FROM relay_cells WHERE space = ? AND"
        + " (cell, contributor) IN (SELECT cell, contributor FROM relay_cells WHERE space = ? AND row = ?)"),
    PUT_ROW("INSERT INTO relay_rows(space, row, cl, hlc, site, seq, payload) VALUES (?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT(space, row) DO UPDATE SET cl = excluded.cl, hlc = excluded.hlc, site = excluded.site,"
        + " seq = excluded.seq, payload = excluded.payload"),
    CELL("SELECT cl, hlc, site, seq, payload FROM relay_cells WHERE space = ? AND cell = ? AND contributor = ?"),
    PUT_CELL("INSERT INTO relay_cells(space, cell, contributor, row, kind, cl, hlc, site, seq, payload)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(space, cell, contributor) DO UPDATE SET"
        + " row = excluded.row, kind = excluded.kind, cl = excluded.cl, hlc = excluded.hlc, site = excluded.site,"
        + " seq = excluded.seq, payload = excluded.payload"),
    CLEAR_CELLS("DELETE FROM relay_cells WHERE space = ? AND row = ?"),
    DELETE_DEAD_ROW("DELETE FROM relay_rows WHERE space = ? AND row = ? AND cl % 2 = 0");

    private final String sql;

    Query(String sql) {
      this.sql = sql;
    }
  }

  private final Connection c;
  private final String space;
  private final Map<Query, PreparedStatement> prepared = new EnumMap<>(Query.class);

  RelayTables(Connection c, String space) {
    this.c = c;
    this.space = space;
  }

  /** The statement for {@code query}, prepared on first use, with the space bound as its first parameter. */
  private PreparedStatement statement(Query query) throws SQLException {
    PreparedStatement p = prepared.get(query);
    if (p == null) {
      p = c.prepareStatement(query.sql);
      prepared.put(query, p);
    }
    p.setString(1, space);
    return p;
  }

  @Override
  public void close() throws SQLException {
    SQLException failure = null;
    for (PreparedStatement p : prepared.values()) {
      try {
        p.close();
      } catch (SQLException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    prepared.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** The row's winning row-cell envelope, or null if the relay never saw the row. */
  Envelope row(byte[] row) throws SQLException {
    PreparedStatement p = statement(Query.ROW);
    p.setBytes(2, row);
    try (ResultSet r = p.executeQuery()) {
      return r.next() ? new Envelope(row, row, r.getBytes(3), r.getLong(4), r.getLong(2), r.getLong(1),
          Envelope.ROW, r.getBytes(5)) : null;
    }
  }

  /** The row's column and contribution envelopes, by cell and contributor. */
  List<Envelope> cells(byte[] row) throws SQLException {
    record Cell(byte[] contributor, Envelope envelope) {}
    List<Cell> cells = new ArrayList<>();
    PreparedStatement p = statement(Query.CELLS_OF_ROW);
    p.setString(2, space);
    p.setBytes(3, row);
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        cells.add(new Cell(r.getBytes(8), new Envelope(r.getBytes(1), row, r.getBytes(5), r.getLong(6),
            r.getLong(4), r.getLong(3), r.getInt(2), r.getBytes(7))));
      }
    }
    cells.sort(Comparator.comparing((Cell k) -> k.envelope().cell(), Arrays::compareUnsigned)
        .thenComparing(Cell::contributor, Arrays::compareUnsigned));
    List<Envelope> out = new ArrayList<>(cells.size());
    cells.forEach(k -> out.add(k.envelope()));
    return out;
  }

  /** The row's whole current state as envelopes: its row cell and, while it is alive, its cells. */
  List<Envelope> wholeRow(byte[] row) throws SQLException {
    Envelope head = row(row);
    if (head == null) {
      return List.of();
    }
    List<Envelope> out = new ArrayList<>();
    out.add(head);
    if ((head.cl() & 1) == 1) {
      out.addAll(cells(row));
    }
    return out;
  }

  void putRow(Envelope e) throws SQLException {
    PreparedStatement p = statement(Query.PUT_ROW);
    p.setBytes(2, e.row());
    p.setLong(3, e.cl());
    p.setLong(4, e.hlc());
    p.setBytes(5, e.site());
    p.setLong(6, e.seq());
    p.setBytes(7, e.payload());
    p.executeUpdate();
  }

  /** The stored version of a column, or of one site's contribution to a counter; null if none. */
  Envelope cell(Envelope like) throws SQLException {
    PreparedStatement p = statement(Query.CELL);
    p.setBytes(2, like.cell());
    p.setBytes(3, contributor(like));
    try (ResultSet r = p.executeQuery()) {
      return r.next() ? new Envelope(like.cell(), like.row(), r.getBytes(3), r.getLong(4), r.getLong(2),
          r.getLong(1), like.kind(), r.getBytes(5)) : null;
    }
  }

  void putCell(Envelope e) throws SQLException {
    PreparedStatement p = statement(Query.PUT_CELL);
    p.setBytes(2, e.cell());
    p.setBytes(3, contributor(e));
    p.setBytes(4, e.row());
    p.setInt(5, e.kind());
    p.setLong(6, e.cl());
    p.setLong(7, e.hlc());
    p.setBytes(8, e.site());
    p.setLong(9, e.seq());
    p.setBytes(10, e.payload());
    p.executeUpdate();
  }

  /** Forgets the row's columns and contributions: the row died or started a new life. */
  void clearCells(byte[] row) throws SQLException {
    PreparedStatement p = statement(Query.CLEAR_CELLS);
    p.setBytes(2, row);
    p.executeUpdate();
  }

  /**
   * Forgets dead rows entirely, their row cells included: those at or below the space's stable point, which no device
   * will ever need again ({@link RelayStable}). A dead row has no other cells: its death cleared them.
   */
  void deleteDeadRows(List<byte[]> rows) throws SQLException {
    for (byte[] row : rows) {
      PreparedStatement p = statement(Query.DELETE_DEAD_ROW);
      p.setBytes(2, row);
      p.executeUpdate();
    }
  }

  /** Columns have one version per cell; a counter has one contribution per contributing site. */
  private static byte[] contributor(Envelope e) {
    return e.kind() == Envelope.CONTRIBUTION ? e.site() : NO_CONTRIBUTOR;
  }
}
