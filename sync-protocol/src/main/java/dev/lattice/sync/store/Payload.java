package dev.lattice.sync.store;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.math.BigInteger;

/**
 * What an envelope hides: the cell's table, key and column, and its value. CBOR keeps SQLite's value types apart
 * (integer, real, text, blob, null), so a value arrives as the type it left as.
 *
 * @param table the table's name
 * @param pk the row's key in the driver's stored form ({@link Long}, {@link Double}, {@link String} or byte[])
 * @param column the column, or null for the row cell
 * @param value the value, or null
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"table", "pk", "column", "value"})
record Payload(String table, Object pk, String column, Object value) {
  private static final CBORMapper MAPPER = CBORMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .build();
  private static final ObjectWriter WRITER = MAPPER.writerFor(Payload.class);
  private static final ObjectReader READER = MAPPER.readerFor(Payload.class);

  Payload {
    if (table == null || pk == null) {
      throw new IllegalArgumentException("a payload names its table and key");
    }
    pk = normalize(pk);
    value = normalize(value);
  }

  byte[] encode() {
    try {
      return WRITER.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a payload that cannot be encoded: " + e.getOriginalMessage(), e);
    }
  }

  static Payload decode(byte[] bytes) {
    try {
      return READER.readValue(bytes);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("malformed payload: " + e.getMessage(), e);
    }
  }

  /** CBOR reads small integers back as Integer and huge ones as BigInteger; SQLite has only 64-bit integers. */
  private static Object normalize(Object v) {
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof BigInteger b) {
      return b.longValueExact();
    }
    if (v == null || v instanceof Long || v instanceof Double || v instanceof String || v instanceof byte[]) {
      return v;
    }
    throw new IllegalArgumentException("a value of type " + v.getClass().getSimpleName() + " is not a SQLite value");
  }
}
