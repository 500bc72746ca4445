package dev.lattice.server.relay;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.wire.Allocate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One space's counters for numbered tables, in {@code relay_numbers}: the relay is the space's number source. Works
 * inside the caller's write transaction, which on PostgreSQL holds the space's lock across instances.
 *
 * <p>A counter's value is the last number it handed out. An ask raises it to the larger of itself and the ask's
 * {@code highest} (a device may hold numbers the relay never handed out: rows from before the table was numbered),
 * then by the ask's {@code count}, in one statement that returns the new value: the range is what lies between, and
 * no later ask reaches below it. An ask whose range (with a count of 0, the next number) would pass the largest long
 * is refused rather than let through: SQLite would store the sum as a real, PostgreSQL fail the statement.
 */
final class RelayNumbers {
  /**
   * Parameters: space, counter, highest + count (a new counter), highest, count, the highest value the counter may
   * have before the ask. Returns the counter's new value, or no row where it is already too high to take the ask.
   */
  private static final String TAKE = "INSERT INTO relay_numbers(space, counter, value) VALUES (?, ?, ?)"
      + " ON CONFLICT (space, counter) DO UPDATE SET value = CASE WHEN relay_numbers.value > ?"
      + " THEN relay_numbers.value + ? ELSE excluded.value END"
      + " WHERE relay_numbers.value <= ? RETURNING value";

  private final Connection c;
  private final String space;

  RelayNumbers(Connection c, String space) {
    this.c = c;
    this.space = space;
  }

  /**
   * Hands out the asks' ranges, in order: for each, the first of {@code count} numbers above its {@code highest} and
   * above every number its counter handed out before (with a count of 0, the number it would hand out next; the
   * counter only rises to {@code highest}).
   *
   * @throws SyncException ({@link Kind#REJECTED}) if an ask's range, or with a count of 0 the next number, would pass
   *     {@link Long#MAX_VALUE}; the caller rolls back what earlier asks took
   */
  List<Long> allocate(List<Allocate.Ask> asks) throws SQLException, SyncException {
    for (Allocate.Ask ask : asks) { // before any statement: most refusals touch nothing
      if (ask.highest() > room(ask)) {
        throw refused(ask, Long.toString(ask.highest()));
      }
    }
    List<Long> first = new ArrayList<>(asks.size());
    try (PreparedStatement p = c.prepareStatement(TAKE)) {
      for (Allocate.Ask ask : asks) {
        p.setString(1, space);
        p.setBytes(2, ask.counter());
        p.setLong(3, ask.highest() + ask.count());
        p.setLong(4, ask.highest());
        p.setLong(5, ask.count());
        p.setLong(6, room(ask));
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            throw refused(ask, "the last number its counter handed out");
          }
          first.add(r.getLong(1) - ask.count() + 1);
        }
      }
    }
    return first;
  }

  /**
   * The highest value a counter may rise to before {@code ask} and still take it: its range, or with a count of 0 the
   * one number returned, must end at {@link Long#MAX_VALUE} at most.
   */
  private static long room(Allocate.Ask ask) {
    return Long.MAX_VALUE - Math.max(ask.count(), 1);
  }

  private static SyncException refused(Allocate.Ask ask, String above) {
    return new SyncException(Kind.REJECTED, "a request for " + ask.count() + " numbers above " + above
        + " would pass " + Long.MAX_VALUE + ", the largest number a row can have; nothing was handed out");
  }
}
