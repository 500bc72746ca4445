package dev.lattice.driver.capture;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Lattice's stored form of a primary key, and back.
 *
 * <p>A one-column key is stored as the key value itself, so it keeps its SQLite type exactly. A composite key is
 * stored as text: each component as SQLite's {@code quote()} writes it, joined by commas, for example
 * {@code 42,'it''s',X'00FF',1.5}. Triggers build that text in plain SQL; this class reads it back into components
 * (Long, Double, String, byte[]) to look rows up through the table's own index. {@code quote()} writes REAL values with
 * 15 significant digits on every SQLite version, which is why REAL columns in composite keys get a warning.
 */
final class PrimaryKeyCodec {
  private PrimaryKeyCodec() {}

  /**
   * The stored key as bytes that name it the same way on every replica (for cell ids): a type tag, then the value as
   * big-endian integer, IEEE 754 bits, UTF-8 text or the blob itself.
   */
  static byte[] bytes(Object stored) {
    if (stored instanceof Long || stored instanceof Integer) {
      return java.nio.ByteBuffer.allocate(9).put((byte) 1).putLong(((Number) stored).longValue()).array();
    }
    if (stored instanceof Double d) {
      return java.nio.ByteBuffer.allocate(9).put((byte) 2).putLong(Double.doubleToRawLongBits(d)).array();
    }
    byte[] body;
    byte tag;
    if (stored instanceof String text) {
      body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      tag = 3;
    } else if (stored instanceof byte[] blob) {
      body = blob;
      tag = 4;
    } else {
      throw new IllegalArgumentException("a stored key is an integer, real, text or blob, was " + describe(stored));
    }
    byte[] out = new byte[body.length + 1];
    out[0] = tag;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  /** The components of a stored key of {@code arity} columns. */
  static Object[] decode(Object stored, int arity) {
    if (arity == 1) {
      return new Object[] {stored};
    }
    if (!(stored instanceof String text)) {
      throw new IllegalArgumentException("a composite key is stored as text, was " + describe(stored));
    }
    List<Object> parts = new ArrayList<>(arity);
    int i = 0;
    while (true) {
      int end = literalEnd(text, i);
      parts.add(literal(text.substring(i, end), text));
      if (end == text.length()) {
        break;
      }
      if (text.charAt(end) != ',') {
        throw malformed(text, "expected ',' at offset " + end);
      }
      i = end + 1;
    }
    if (parts.size() != arity) {
      throw malformed(text, "expected " + arity + " components, found " + parts.size());
    }
    return parts.toArray();
  }

  private static int literalEnd(String text, int start) {
    if (start >= text.length()) {
      throw malformed(text, "missing component at offset " + start);
    }
    char first = text.charAt(start);
    int quote = first == '\'' ? start : (first == 'X' && start + 1 < text.length() ? start + 1 : -1);
    if (quote >= 0 && text.charAt(quote) == '\'') {
      int i = quote + 1;
      while (i < text.length()) {
        if (text.charAt(i) == '\'') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
            i += 2;
            continue;
          }
          return i + 1;
        }
        i++;
      }
      throw malformed(text, "unterminated quote at offset " + start);
    }
    int comma = text.indexOf(',', start);
    return comma < 0 ? text.length() : comma;
  }

  private static Object literal(String token, String whole) {
    if (token.startsWith("'")) {
      return token.substring(1, token.length() - 1).replace("''", "'");
    }
    if (token.startsWith("X'")) {
      return HexFormat.of().parseHex(token.substring(2, token.length() - 1));
    }
    if (token.equals("NULL")) {
      throw malformed(whole, "a key component is NULL");
    }
    try {
      if (token.indexOf('.') >= 0 || token.indexOf('e') >= 0 || token.indexOf('E') >= 0) {
        return Double.parseDouble(token);
      }
      return Long.parseLong(token);
    } catch (NumberFormatException e) {
      throw malformed(whole, "'" + token + "' is not a SQL literal");
    }
  }

  private static IllegalArgumentException malformed(String text, String why) {
    return new IllegalArgumentException("malformed composite key " + text + ": " + why);
  }

  private static String describe(Object o) {
    return o == null ? "NULL" : o.getClass().getSimpleName() + " " + o;
  }
}
