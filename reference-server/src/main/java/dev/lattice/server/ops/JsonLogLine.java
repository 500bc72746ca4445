package dev.lattice.server.ops;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * The server's log line: one flat JSON object on one line, {@code time}, {@code level}, {@code logger},
 * {@code thread}, {@code message}, then the event's key-value pairs as fields of their own, and {@code error} with
 * the stack trace if there is one. Flat fields are what log collectors index without configuration (logback's own
 * JsonEncoder nests key-values in a list).
 *
 * <p>The format only: the application that runs the server plugs it into its logging ({@code lattice serve}: the CLI's
 * logback encoder), since a library must not bring a logging backend into the applications that embed it.
 */
public final class JsonLogLine {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonLogLine() {}

  /**
   * One event as a line, newline included.
   *
   * @param pairs the event's key-value pairs, or null
   * @param error the stack trace, or null
   */
  public static byte[] encode(Instant time, String level, String logger, String thread, String message,
      List<KeyValuePair> pairs, String error) {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(line)) {
      json.writeStartObject();
      json.writeStringField("time", time.toString());
      json.writeStringField("level", level);
      json.writeStringField("logger", logger);
      json.writeStringField("thread", thread);
      json.writeStringField("message", message);
      if (pairs != null) {
        for (KeyValuePair pair : pairs) {
          writeValue(json, pair.key, pair.value);
        }
      }
      if (error != null) {
        json.writeStringField("error", error);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a log event", e); // writes to memory: does not happen
    }
    line.write('\n');
    return line.toByteArray();
  }

  private static void writeValue(JsonGenerator json, String key, Object value) throws IOException {
    if (value == null) {
      json.writeNullField(key);
    } else if (value instanceof Integer || value instanceof Long) {
      json.writeNumberField(key, ((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      json.writeNumberField(key, ((Number) value).doubleValue());
    } else if (value instanceof Boolean b) {
      json.writeBooleanField(key, b);
    } else {
      json.writeStringField(key, value.toString());
    }
  }
}
