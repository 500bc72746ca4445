package dev.lattice.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own refusals as the server's other errors: a JSON body {@code {"error": code, "message": text}} instead of
 * Jetty's HTML page. Jetty refuses some requests before Javalin sees them: a request line or headers it cannot parse, a
 * {@code Content-Length} that is not a number or is given twice or beside {@code Transfer-Encoding} (400), a URI
 * over its buffer (414), headers over its buffer (431), a request line without an HTTP version (505), and paths it
 * finds ambiguous (400). Found by
 * {@code HttpFuzzTest}.
 */
final class JsonErrorHandler extends ErrorHandler {
  JsonErrorHandler() {
    setShowStacks(false);
    setShowServlet(false);
  }

  /** Refusals by Jetty's HTTP parser, before there is a request to hand to anyone. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, Bodies.JSON));
    return ByteBuffer.wrap(body(status, reason));
  }

  /** Errors Jetty's servlet layer sends itself ({@code sendError}), for any method and whatever the client accepts. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
      HttpServletResponse response, int code, String message) throws IOException {
    byte[] body = body(code, message);
    response.setContentType(Bodies.JSON);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    baseRequest.setHandled(true);
  }

  private static byte[] body(int status, String reason) {
    try {
      return Bodies.MAPPER.writeValueAsBytes(new ErrorResponses.ErrorBody(ErrorResponses.codeOf(status),
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
