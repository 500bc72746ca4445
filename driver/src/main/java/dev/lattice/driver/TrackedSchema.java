package dev.lattice.driver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The tracked tables of a replica as peers must agree on them: each table's key columns, value columns and counter
 * columns. Two replicas sync only when their schemas are equal; {@link #differences} says how they are not.
 *
 * @param tables by table name, in name order
 */
public record TrackedSchema(Map<String, Table> tables) {
  /**
   * One tracked table.
   *
   * @param keyColumns primary-key columns in key order
   * @param columns the versioned value columns, in name order: cells are named by column, so declaration order (which
   *     differs between a replica that added a column and one that rebuilt the table) does not matter
   * @param counters the value columns that merge as counters, in name order
   * @param numbered rows inserted on a replica are numbered for sync before they leave it
   *     ({@link TrackOptions#numbered()})
   */
  public record Table(List<String> keyColumns, List<String> columns, List<String> counters, boolean numbered) {
    public Table {
      keyColumns = List.copyOf(keyColumns);
      columns = columns.stream().sorted().toList();
      counters = counters.stream().sorted().toList();
    }

    /** A table that is not numbered. */
    public Table(List<String> keyColumns, List<String> columns, List<String> counters) {
      this(keyColumns, columns, counters, false);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("(key ").append(names(keyColumns));
      if (!columns.isEmpty()) {
        s.append("; ").append(names(columns));
      }
      if (!counters.isEmpty()) {
        s.append("; counters ").append(names(counters));
      }
      if (numbered) {
        s.append("; numbered");
      }
      return s.append(')').toString();
    }
  }

  public TrackedSchema {
    tables = java.util.Collections.unmodifiableMap(new TreeMap<>(tables));
  }

  /**
   * One line per table, {@code name(key k; a, b; counters c; numbered)}, in name order: the canonical form peers
   * compare.
   */
  public String describe() {
    StringBuilder s = new StringBuilder();
    tables.forEach((name, table) -> s.append(name(name)).append(table).append('\n'));
    return s.toString();
  }

  /** SHA-256 of {@link #describe()}: equal for equal schemas. */
  public byte[] fingerprint() {
    return fingerprint(describe().getBytes(StandardCharsets.UTF_8));
  }

  /** The fingerprint of a schema described by {@code description}, the UTF-8 bytes of a {@link #describe()}. */
  public static byte[] fingerprint(byte[] description) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(description);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** How {@code peer} differs from this schema, one phrase per table; empty when they are equal. */
  public List<String> differences(TrackedSchema peer) {
    List<String> out = new ArrayList<>();
    TreeMap<String, Boolean> names = new TreeMap<>();
    tables.keySet().forEach(n -> names.put(n, true));
    peer.tables.keySet().forEach(n -> names.put(n, true));
    for (String name : names.keySet()) {
      Table mine = tables.get(name);
      Table theirs = peer.tables.get(name);
      if (theirs == null) {
        out.add("only this replica tracks " + name(name) + mine);
      } else if (mine == null) {
        out.add("only the peer tracks " + name(name) + theirs);
      } else if (!Objects.equals(mine, theirs)) {
        out.add(name(name) + " is " + mine + " here but " + theirs + " on the peer");
      }
    }
    return out;
  }

  /** A name as written in {@link #describe()}: bare when it is a plain identifier, else double-quoted. */
  private static String name(String name) {
    return name.matches("[A-Za-z_][A-Za-z0-9_]*") ? name : '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String names(List<String> names) {
    return String.join(", ", names.stream().map(TrackedSchema::name).toList());
  }
}
