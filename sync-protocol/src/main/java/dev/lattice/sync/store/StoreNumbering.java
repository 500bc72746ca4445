package dev.lattice.sync.store;

import dev.lattice.driver.NumberSource;
import dev.lattice.driver.NumberedTable;
import dev.lattice.driver.Renumbering;
import dev.lattice.driver.Replica;
import dev.lattice.driver.UnsettledRowsException;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.crypto.SpaceKey;
import dev.lattice.sync.wire.Allocate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A device's numbered tables as the protocol sees them ({@link ReplicaStore}'s part in numbering): what to ask the
 * space's number source, settling with what it handed out, and, on the device that hosts its peers, being the source.
 * Counters are known to the source by id: the counter's name ({@link NumberedTable#counter()}), or in an encrypted
 * space a MAC of it, so that the source learns no table name and no key value. Callers serialize calls (the store's
 * lock).
 */
final class StoreNumbering {
  /** The label of a counter's id in an encrypted space. */
  private static final String COUNTER_LABEL = "number counter";

  private final Replica replica;
  private final Connection connection;
  private final KeyRing keys;
  /** Whether this device is its space's number source ({@link ReplicaStore#handOutNumbers}). */
  private volatile boolean source;
  private volatile Consumer<List<Renumbering>> observer = moves -> {};

  StoreNumbering(Replica replica, Connection connection, KeyRing keys) {
    this.replica = replica;
    this.connection = connection;
    this.keys = keys;
  }

  void handOut() {
    source = true;
  }

  void onRenumbered(Consumer<List<Renumbering>> observer) {
    this.observer = observer == null ? moves -> {} : observer;
  }

  /** See {@link AskingStore#numbersWanted}; a source numbers its rows itself and wants nothing. */
  List<Allocate.Ask> wanted() throws SyncException {
    List<NumberedTable> waiting = sql(replica::numbering);
    if (waiting.isEmpty()) {
      return List.of();
    }
    if (source) {
      settleOwnRows();
      return List.of();
    }
    List<Allocate.Ask> asks = new ArrayList<>();
    for (NumberedTable t : waiting) {
      asks.add(new Allocate.Ask(counterId(t.counter()), t.highestSettled(), t.unsettled()));
    }
    return asks;
  }

  /** See {@link AskingStore#settleNumbers}. */
  boolean settle(List<Allocate.Ask> asks, List<Long> first, byte[] from) throws SyncException {
    Map<ByteBuffer, long[]> granted = new HashMap<>(); // counter id -> {first, count}
    for (int i = 0; i < asks.size(); i++) {
      granted.put(ByteBuffer.wrap(asks.get(i).counter()), new long[] {first.get(i), asks.get(i).count()});
    }
    List<Renumbering> moves;
    try {
      moves = replica.settle((counter, highestKnown, count) -> {
        long[] range = granted.get(ByteBuffer.wrap(counterId(counter)));
        if (range == null || count > range[1] || range[0] <= highestKnown) {
          // Rows inserted, or numbers arrived, since the asks: this range does not fit them. Nothing moves.
          throw new RangeDoesNotFit();
        }
        adoptAuthority(from, false);
        return range[0];
      });
    } catch (RangeDoesNotFit e) {
      return false;
    } catch (AuthorityRefused e) {
      throw e.refusal;
    } catch (SQLException e) {
      throw localFailure(e);
    }
    renumbered(moves);
    return true;
  }

  /** See {@link AnsweringStore#allocate}: from this database's counters, on the device that hands out numbers. */
  List<Long> allocate(List<Allocate.Ask> asks) throws SyncException {
    List<Long> first = new ArrayList<>();
    for (Allocate.Ask ask : asks) {
      first.add(asSource(() -> allocateHere(ask.counter(), ask.highest(), ask.count())));
    }
    return first;
  }

  boolean handsOut() {
    return source;
  }

  /**
   * Reads changes to send. Rows waiting to be numbered refuse the read: a source numbers them itself and reads again;
   * an asker is told to settle them ({@link NumbersNeededException}).
   */
  <T> T reading(SqlCall<T> read) throws SyncException {
    try {
      return read.call();
    } catch (UnsettledRowsException e) {
      if (!source) {
        throw new NumbersNeededException(e.getMessage(), e);
      }
    } catch (SQLException e) {
      throw localFailure(e);
    }
    settleOwnRows();
    return sql(read);
  }

  /** A read or write of the local database. */
  interface SqlCall<T> {
    T call() throws SQLException;
  }

  private void settleOwnRows() throws SyncException {
    renumbered(asSource(() -> replica.settle((counter, highestKnown, count) ->
        allocateHere(counterId(counter), highestKnown, count))));
  }

  /** Numbers from this device's own counter {@code counterId}, as the space's source. */
  private long allocateHere(byte[] counterId, long highest, int count) throws SQLException {
    adoptAuthority(replica.siteId().bytes(), true);
    NumberSource counters = replica.numberSource();
    return counters.allocate(HexFormat.of().formatHex(counterId), highest, count);
  }

  private byte[] counterId(String counter) {
    byte[] name = counter.getBytes(StandardCharsets.UTF_8);
    SpaceKey key = keys.key();
    return key == null ? name : key.mac(COUNTER_LABEL, name);
  }

  /** Tells the observer of {@code moves}, committed (by settling, or by a merge that moved rows out of its way). */
  void renumbered(List<Renumbering> moves) {
    if (!moves.isEmpty()) {
      observer.accept(moves); // committed: the rows are where the moves say
    }
  }

  /** {@link NumberAuthority#adopt} inside a transaction of the driver's, which takes only SQL failures. */
  private void adoptAuthority(byte[] source, boolean self) throws SQLException {
    try {
      NumberAuthority.adopt(connection, source, self);
    } catch (SyncException e) {
      throw new AuthorityRefused(e);
    }
  }

  /** Runs {@code call} (which may number from this device's counters), passing a refused source on as such. */
  private static <T> T asSource(SqlCall<T> call) throws SyncException {
    try {
      return call.call();
    } catch (AuthorityRefused e) {
      throw e.refusal;
    } catch (SQLException e) {
      throw localFailure(e);
    }
  }

  private static <T> T sql(SqlCall<T> call) throws SyncException {
    try {
      return call.call();
    } catch (SQLException e) {
      throw localFailure(e);
    }
  }

  private static SyncException localFailure(SQLException e) {
    return new SyncException(Kind.INTERNAL, "the local database failed: " + e.getMessage(), e);
  }

  /** Thrown inside a settling transaction to undo it. */
  private static final class RangeDoesNotFit extends SQLException {
    private static final long serialVersionUID = 1L;
  }

  /** Carries a refused number source out of a settling transaction, undoing it. */
  private static final class AuthorityRefused extends SQLException {
    private static final long serialVersionUID = 1L;
    private final transient SyncException refusal;

    AuthorityRefused(SyncException refusal) {
      this.refusal = refusal;
    }
  }
}
