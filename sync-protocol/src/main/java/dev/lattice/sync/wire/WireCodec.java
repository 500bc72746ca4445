package dev.lattice.sync.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Encodes {@link Message}s as CBOR (the wire) or JSON (for people and debugging) and decodes them strictly: a message
 * larger than the limit, truncated, with trailing bytes, an unknown field or kind, a missing or ill-typed field, or a
 * field out of range is refused with a {@link WireException} that says what is wrong. Thread-safe.
 */
public final class WireCodec {
  /** Default largest message: room for a batch of a few thousand cells with large values. */
  public static final int DEFAULT_MAX_BYTES = 16 << 20;

  /** The message kinds, as {@code type} names them: for refusals of an unknown one. */
  private static final String KINDS = Arrays.stream(Message.class.getAnnotation(JsonSubTypes.class).value())
      .map(JsonSubTypes.Type::name).sorted().collect(Collectors.joining(", "));
  /** A qualified Java name, as {@code java.util.ArrayList} or {@code dev.lattice.sync.wire.Hello}. */
  private static final Pattern QUALIFIED = Pattern.compile("\\b(?:[a-z_][\\w$]*\\.)+([A-Z][\\w$]*)");

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
    for (JsonSubTypes.Type type : Message.class.getAnnotation(JsonSubTypes.class).value()) {
      if (type.value() == message.getClass()) {
        return type.name();
      }
    }
    throw new IllegalArgumentException("not a registered message kind: " + message.getClass());
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

  /**
   * What is wrong, in the protocol's words: the validation message when a field was out of range; otherwise Jackson's
   * words without its source excerpt and without Java's names for the records (a peer learns nothing of the
   * implementation from a refusal), followed by where in the message the problem is.
   */
  private static String reason(JsonProcessingException e) {
    Throwable cause = e.getCause();
    if (cause instanceof IllegalArgumentException) {
      return cause.getMessage();
    }
    String what;
    if (e instanceof InvalidTypeIdException t) {
      what = t.getTypeId() == null ? "no 'type' field naming the message's kind"
          : "unknown message type '" + t.getTypeId() + "'; known: " + KINDS;
    } else if (e instanceof UnrecognizedPropertyException u) {
      what = "unknown field '" + u.getPropertyName() + "'";
    } else {
      String m = e.getOriginalMessage();
      what = m == null ? "unreadable" : withoutJavaNames(m.replaceAll("\\s+", " ").trim());
    }
    String at = e instanceof JsonMappingException m ? path(m) : "";
    return at.isEmpty() ? what : what + " (at " + at + ")";
  }

  /** Jackson's text with records by their simple names, and collections and arrays as what they hold. */
  private static String withoutJavaNames(String message) {
    String m = message.replaceAll("\\[simple type, class ([\\w.$]+)\\]", "$1")
        .replaceAll("\\[collection type; class [\\w.$]+, contains ([^\\]]+)\\]", "list of $1")
        .replaceAll("java\\.util\\.(?:Array)?List<([\\w.$]+)>", "list of $1")
        // Jackson's advice to its own users ("disable `DeserializationFeature.X` to allow") is not for a peer.
        .replaceAll(";? ?\\(?[^;()]*(?:DeserializationFeature|MapperFeature|StreamReadFeature|JsonParser\\.Feature)"
            + "\\.\\w+[^;()]*\\)?", "")
        .replace("java.lang.", "")
        .replace("(class ", "(");
    return QUALIFIED.matcher(m).replaceAll("$1").replace("`[B`", "`bytes`").replace("[B", "bytes");
  }

  /** Where in the message: {@code vector[0].site}. */
  private static String path(JsonMappingException e) {
    StringBuilder at = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        at.append(at.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        at.append('[').append(r.getIndex()).append(']');
      }
    }
    return at.toString();
  }
}
