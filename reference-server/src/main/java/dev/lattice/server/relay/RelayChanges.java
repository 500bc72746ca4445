package dev.lattice.server.relay;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * What an instance announces on the cluster feed when it commits to a space, so that the other instances' trees of
 * the space follow row by row instead of being rebuilt: the space and the ids of the rows the commit changed (row ids
 * are ids the devices computed, stored in the clear in {@code relay_rows}: never a payload nor a secret).
 *
 * <p>A notice reads {@code "<rows> <space>"}, where {@code <rows>} is {@code -} (no row changed: the vector or the
 * stable point did), the rows' ids in hex separated by commas, or {@code *} (any row may have changed: the tree is
 * rebuilt). A commit that changed many rows is announced in several notices, each under PostgreSQL's limit on a
 * notice; one that changed very many is announced as {@code *}.
 */
final class RelayChanges {
  /** Characters of row ids in one notice: with the space id and the feed's prefix, well under PostgreSQL's 8000 bytes. */
  static final int ROWS_CHARS = 6_000;
  /** Beyond this many rows in one commit, the others rebuild their trees rather than read the rows one by one. */
  static final int MAX_ROWS = 5_000;
  private static final HexFormat HEX = HexFormat.of();

  /** A notice heard: the space, and the rows changed ({@code null}: any may have). */
  record Notice(String space, List<byte[]> rows) {}

  private RelayChanges() {}

  /** The notices announcing that {@code rows} of {@code space} changed (none of them: the space did otherwise). */
  static List<String> notices(String space, Collection<ByteBuffer> rows) {
    if (rows.isEmpty()) {
      return List.of("- " + space);
    }
    if (rows.size() > MAX_ROWS) {
      return List.of("* " + space);
    }
    List<String> out = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (ByteBuffer row : rows) {
      String id = HEX.formatHex(row.array(), row.arrayOffset() + row.position(),
          row.arrayOffset() + row.position() + row.remaining());
      if (text.length() > 0 && text.length() + 1 + id.length() > ROWS_CHARS) {
        out.add(text.append(' ').append(space).toString());
        text.setLength(0);
      }
      if (text.length() > 0) {
        text.append(',');
      }
      text.append(id);
    }
    out.add(text.append(' ').append(space).toString());
    return out;
  }

  /** Reads a notice; one that cannot be read says that anything may have changed in the space it names. */
  static Notice parse(String text) {
    int blank = text.indexOf(' ');
    if (blank < 0) {
      return new Notice(text, null);
    }
    String rows = text.substring(0, blank);
    String space = text.substring(blank + 1);
    if (rows.equals("-")) {
      return new Notice(space, List.of());
    }
    if (rows.equals("*")) {
      return new Notice(space, null);
    }
    List<byte[]> out = new ArrayList<>();
    try {
      for (String id : rows.split(",")) {
        out.add(HEX.parseHex(id));
      }
    } catch (IllegalArgumentException e) {
      return new Notice(space, null);
    }
    return new Notice(space, out);
  }
}
