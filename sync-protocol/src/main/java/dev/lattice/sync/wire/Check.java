package dev.lattice.sync.wire;

import java.util.List;

/** Field checks for message constructors: a violation is a malformed message, reported by field name. */
final class Check {
  private Check() {}

  static <T> T present(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return value;
  }

  static byte[] bytes(byte[] value, int length, String field) {
    present(value, field);
    if (value.length != length) {
      throw new IllegalArgumentException(field + " must be " + length + " bytes, was " + value.length);
    }
    return value;
  }

  static long notNegative(long value, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative, was " + value);
    }
    return value;
  }

  static <T> List<T> list(List<T> value, String field) {
    present(value, field);
    for (int i = 0; i < value.size(); i++) {
      present(value.get(i), field + "[" + i + "]");
    }
    return List.copyOf(value);
  }
}
