package dev.lattice.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reading request bodies within limits: the media type is checked (415) and the size too (413, before a large body is
 * buffered), and JSON is bound strictly (unknown fields refused, 400) with messages that name fields, never values.
 */
final class Bodies {
  /** JSON bodies of the account routes are a few short fields. */
  static final int MAX_JSON_BYTES = 16 * 1024;

  static final String CBOR = "application/cbor";
  static final String JSON = "application/json";

  /** Strict, and used for answers too (through Javalin's JSON mapper). */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private Bodies() {}

  /** Refuses with 415 unless the body is labelled {@code type} (parameters such as a charset are ignored). */
  static void requireType(Context ctx, String type) {
    String given = contentType(ctx);
    String bare = given == null ? "" : given.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!bare.equals(type)) {
      throw ApiError.unsupportedMediaType(type, given);
    }
  }

  /** The whole body, refused with 413 past {@code maxBytes}. */
  static byte[] read(Context ctx, int maxBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(ctx, declared + " bytes", maxBytes);
    }
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      // One byte past the limit shows that a body of undeclared length is too large without buffering it.
      body = in.readNBytes(maxBytes + 1);
    } catch (IOException e) {
      throw ApiError.badRequest("the request body could not be read: " + e.getMessage());
    }
    if (body.length > maxBytes) {
      throw tooLarge(ctx, "more than " + maxBytes + " bytes", maxBytes);
    }
    return body;
  }

  /**
   * The JSON body bound to {@code type}. An empty body (with or without a Content-Type: {@code curl -X POST} sends
   * none) is {@code whenEmpty}, or a 400 if that is null.
   */
  static <T> T json(Context ctx, Class<T> type, T whenEmpty) {
    boolean labelled = contentType(ctx) != null;
    if (labelled) {
      requireType(ctx, JSON);
    }
    byte[] body = read(ctx, MAX_JSON_BYTES);
    if (body.length == 0) {
      if (whenEmpty != null) {
        return whenEmpty;
      }
      throw ApiError.badRequest("the request needs a JSON body");
    }
    if (!labelled) {
      throw ApiError.unsupportedMediaType(JSON, null);
    }
    try {
      return MAPPER.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw ApiError.badRequest("unknown field '" + e.getPropertyName() + "'");
    } catch (MismatchedInputException e) {
      String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
      throw ApiError.badRequest(field == null ? "the body is not a JSON object" : "field '" + field
          + "' has the wrong type");
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("the body is not valid JSON");
    } catch (IOException e) {
      throw ApiError.badRequest("the request body could not be read");
    }
  }

  /**
   * The {@code Content-Type} header as sent, or null. Not {@code ctx.contentType()}: Jetty 12 parses that, and throws
   * on a charset it does not know ({@code application/cbor; charset=binary}).
   */
  static String contentType(Context ctx) {
    return ctx.header(Header.CONTENT_TYPE);
  }

  private static ApiError tooLarge(Context ctx, String size, int maxBytes) {
    // The rest of the body is left unread: the connection cannot carry another request.
    ctx.header("Connection", "close");
    return ApiError.tooLarge("the request body of " + size + " exceeds the limit of " + maxBytes + " bytes");
  }
}
