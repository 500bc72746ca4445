package dev.lattice.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals as the server's other errors: a JSON body {@code {"error": code, "message": text}} instead of
 * Jetty's HTML page. Jetty refuses some requests before Javalin sees them: a request line or headers it cannot parse, a
 * {@code Content-Length} that is not a number or is given twice or beside {@code Transfer-Encoding} (400), a URI
 * over its buffer (414), headers over its buffer (431), a request line without an HTTP version (505), and paths it
 * finds ambiguous (400). Found by
 * {@code HttpFuzzTest}.
 *
 * <p>This one is the server's, for what its HTTP parser refuses; {@link InContext} is the servlet context's, for the
 * errors the servlet layer sends itself ({@code sendError}). Both answer in JSON for any method and whatever the client
 * accepts.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final List<Charset> UTF_8 = List.of(StandardCharsets.UTF_8);

  JsonErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
  }

  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) throws IOException {
    if (!generateAcceptableResponse(request, response, callback, Bodies.JSON, UTF_8, code, message, cause)) {
      callback.succeeded();
    }
  }

  @Override
  protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
    writer.write(body(code, message));
  }

  /** The servlet context's error handler, answering as {@link JsonErrorHandler} does. */
  static final class InContext extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
    InContext() {
      setShowStacks(false);
      setShowCauses(false);
      setShowOrigin(false);
    }

    @Override
    public boolean errorPageForMethod(String method) {
      return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
        Callback callback) throws IOException {
      if (!generateAcceptableResponse(request, response, callback, Bodies.JSON, UTF_8, code, message, cause)) {
        callback.succeeded();
      }
    }

    @Override
    protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
      writer.write(body(code, message));
    }
  }

  private static String body(int status, String reason) {
    try {
      return Bodies.MAPPER.writeValueAsString(new ErrorResponses.ErrorBody(ErrorResponses.codeOf(status),
          message(status, reason)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("two strings always serialize", e);
    }
  }

  /** Jetty's reason when it is a short phrase ("URI Too Long", "Multiple Content-Lengths"), never an exception's. */
  static String message(int status, String reason) {
    String what = switch (status) {
      case 414 -> "the request URI is too long";
      case 431 -> "the request headers are too large";
      case 505 -> "the request is not HTTP/1.1";
      default -> status >= 500 ? "the server failed to handle the request" : "the request is not valid HTTP";
    };
    boolean plain = reason != null && !reason.isBlank() && reason.length() <= 80 && !reason.contains("Exception")
        && reason.chars().allMatch(c -> c == ' ' || c == '-' || c == '=' || c == ':' || Character.isLetterOrDigit(c));
    return plain ? what + ": " + reason : what;
  }
}
