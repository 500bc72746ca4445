package dev.lattice.sync.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;

/**
 * Encodes {@link Message}s as CBOR (the wire) or JSON (for people and debugging) and decodes them strictly: a message
 * larger than the limit, truncated, with trailing bytes, an unknown field or kind, a missing or ill-typed field, or a
 * field out of range is refused with a {@link WireException} that says what is wrong. Thread-safe.
 */
public final class WireCodec {
  /** Default largest message: room for a batch of a few thousand cells with large values. */
  public static final int DEFAULT_MAX_BYTES = 16 << 20;

  private final ObjectMapper mapper;
  private final ObjectWriter writer;
  private final ObjectReader reader;
  private final int maxBytes;
  private final String format;

  private WireCodec(ObjectMapper mapper, int maxBytes, String format) {
    this.mapper = mapper;
    this.writer = mapper.writerFor(Message.class);
    this.reader = mapper.readerFor(Message.class);
    this.maxBytes = maxBytes;
    this.format = format;
  }

  /** CBOR, refusing messages over {@code maxBytes}. */
  public static WireCodec cbor(int maxBytes) {
    return new WireCodec(configure(CBORMapper.builder(CBORFactory.builder().streamReadConstraints(constraints(maxBytes)).build())), maxBytes, "CBOR");
  }

  /** JSON, refusing messages over {@code maxBytes}; byte strings are base64. */
  public static WireCodec json(int maxBytes) {
    JsonFactory factory = JsonFactory.builder().streamReadConstraints(constraints(maxBytes)).build();
    return new WireCodec(configure(JsonMapper.builder(factory)), maxBytes, "JSON");
  }

  public int maxBytes() {
    return maxBytes;
  }

  public byte[] encode(Message message) {
    try {
      byte[] bytes = writer.writeValueAsBytes(message);
      if (bytes.length > maxBytes) {
        throw new WireException(kind(message) + " message of " + bytes.length + " bytes exceeds the limit of "
            + maxBytes + " bytes; send smaller batches");
      }
      return bytes;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a message that cannot be encoded: " + e.getOriginalMessage(), e);
    }
  }

  /** Decodes one whole message, or throws {@link WireException} saying what is wrong with it. */
  public Message decode(byte[] bytes) {
    if (bytes.length > maxBytes) {
      throw new WireException("message of " + bytes.length + " bytes exceeds the limit of " + maxBytes + " bytes");
    }
    if (bytes.length == 0) {
      throw new WireException("empty message: expected one " + format + " document");
    }
    try {
      Message message = reader.readValue(bytes);
      if (message == null) {
        throw new WireException("a null document where one " + format + " message was expected");
      }
      return message;
    } catch (JsonProcessingException e) {
      throw new WireException("malformed " + format + " message: " + reason(e), e);
    } catch (IOException e) {
      throw new WireException("unreadable " + format + " message: " + e.getMessage(), e);
    }
  }

  /**
   * Encodes a value that travels inside a message as opaque bytes, such as a {@link Failure#detail()}: the same
   * format and strictness as messages.
   */
  public byte[] encodeValue(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a value that cannot be encoded: " + e.getOriginalMessage(), e);
    }
  }

  /** Decodes what {@link #encodeValue} made, or throws {@link WireException} saying what is wrong with it. */
  public <T> T decodeValue(byte[] bytes, Class<T> type) {
    if (bytes.length > maxBytes) {
      throw new WireException("value of " + bytes.length + " bytes exceeds the limit of " + maxBytes + " bytes");
    }
    T value;
    try {
      value = mapper.readValue(bytes, type);
    } catch (IOException e) {
      throw new WireException("malformed " + format + " " + type.getSimpleName() + ": "
          + (e instanceof JsonProcessingException j ? reason(j) : e.getMessage()), e);
    }
    if (value == null) {
      throw new WireException("a null document where a " + type.getSimpleName() + " was expected");
    }
    return value;
  }

  /** The message's kind as its {@code type} field names it. */
  public static String kind(Message message) {
    return message.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  private static StreamReadConstraints constraints(int maxBytes) {
    return StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(40).maxStringLength(maxBytes).build();
  }

  private static <M extends ObjectMapper, B extends com.fasterxml.jackson.databind.cfg.MapperBuilder<M, B>> M configure(
      B builder) {
    return builder
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
  }

  /** Jackson's own words without its source excerpt, and the validation message when a field was out of range. */
  private static String reason(JsonProcessingException e) {
    Throwable cause = e.getCause();
    if (cause instanceof IllegalArgumentException) {
      return cause.getMessage();
    }
    String m = e.getOriginalMessage();
    return m == null ? e.getClass().getSimpleName() : m.replaceAll("\\s+", " ").trim();
  }
}
