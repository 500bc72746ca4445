package dev.lattice.sync.serving;

import dev.lattice.sync.transport.Endpoints;
import dev.lattice.sync.transport.RequestHandler;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.Header;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /lattice/sync}: one CBOR request in, the {@link RequestHandler}'s reply out. What the handler could not
 * sensibly answer is refused before it is called, with a short plain-text reason: a body that is not CBOR (415), too
 * large (413), or empty (400). A handler that throws gets a 500 with a short message; the details go to the log, never
 * to the peer, and message bodies go nowhere.
 */
final class SyncEndpoint implements Handler {
  private static final Logger log = LoggerFactory.getLogger(SyncEndpoint.class);

  private final RequestHandler handler;
  private final int maxRequestBytes;

  SyncEndpoint(RequestHandler handler, int maxRequestBytes) {
    this.handler = handler;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public void handle(Context ctx) {
    // The header as sent: Jetty 12's parsed content type throws on a charset it does not know ("charset=binary").
    String contentType = ctx.header(Header.CONTENT_TYPE);
    if (!Endpoints.isCbor(contentType)) {
      refuse(ctx, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "content type must be " + Endpoints.CBOR + ", was "
          + (contentType == null ? "missing" : contentType));
      return;
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxRequestBytes) {
      refuseTooLarge(ctx, declared + " bytes");
      return;
    }
    byte[] request;
    try (InputStream body = ctx.req().getInputStream()) {
      // Read one byte past the limit: a body without a declared length shows it is too large without being buffered.
      request = body.readNBytes(maxRequestBytes + 1);
    } catch (IOException e) {
      log.debug("request body from {} could not be read", ctx.ip(), e);
      refuse(ctx, HttpStatus.BAD_REQUEST, "request body could not be read: " + e.getMessage());
      return;
    }
    if (request.length > maxRequestBytes) {
      refuseTooLarge(ctx, "more than " + maxRequestBytes + " bytes");
      return;
    }
    if (request.length == 0) {
      refuse(ctx, HttpStatus.BAD_REQUEST, "empty request body: expected one CBOR message");
      return;
    }
    byte[] reply;
    try {
      reply = handler.handle(request);
      if (reply == null) {
        throw new IllegalStateException("the request handler returned null");
      }
    } catch (RuntimeException e) {
      log.warn("request handler failed on a {}-byte request from {}", request.length, ctx.ip(), e);
      refuse(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "the peer failed to handle the request");
      return;
    }
    ctx.status(HttpStatus.OK).contentType(Endpoints.CBOR);
    // A declared length lets the client refuse an oversized reply before reading it.
    ctx.res().setContentLength(reply.length);
    ctx.result(reply);
  }

  private void refuseTooLarge(Context ctx, String size) {
    // The rest of the body is not read: the connection cannot be reused.
    ctx.header("Connection", "close");
    refuse(ctx, HttpStatus.CONTENT_TOO_LARGE,
        "request body of " + size + " exceeds the limit of " + maxRequestBytes + " bytes");
  }

  private static void refuse(Context ctx, HttpStatus status, String message) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message);
  }
}
