package dev.lattice.server.http;

import dev.lattice.server.accounts.AccountException;
import dev.lattice.server.ops.Metrics;
import dev.lattice.server.storage.StorageException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns everything a request can end with into an HTTP status and a JSON body {@code {"error": code, "message":
 * text}}. Refusals carry their reason; failures of the server itself get a short message, and their details (the
 * stack trace) go to the log only.
 */
final class ErrorResponses {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  /** The body of every error answer. */
  record ErrorBody(String error, String message) {}

  private final Metrics metrics;
  private final RequestObserver observer;

  ErrorResponses(Metrics metrics, RequestObserver observer) {
    this.metrics = metrics;
    this.observer = observer;
  }

  void install(RoutesConfig router) {
    router.exception(ApiError.class, (e, ctx) -> answer(ctx, e.status(), e.code(), e.getMessage()));
    router.exception(RateLimited.class, (e, ctx) -> {
      ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
      answer(ctx, 429, "rate_limited", e.getMessage() + "; retry in " + e.retryAfterSeconds() + " s");
    });
    router.exception(AccountException.class, (e, ctx) -> refuse(ctx, e));
    router.exception(StorageException.class, (e, ctx) -> {
      log.error("storage failed during {} {}", ctx.method(), route(ctx), e);
      metrics.httpError();
      answer(ctx, 503, "unavailable", "the server's storage is unavailable; try again later");
    });
    // Javalin's own refusals, such as a body over its size limit.
    router.exception(HttpResponseException.class, (e, ctx) -> answer(ctx, e.getStatus(), codeOf(e.getStatus()),
        e.getMessage()));
    router.exception(Exception.class, (e, ctx) -> {
      log.error("request failed: {} {}", ctx.method(), route(ctx), e);
      metrics.httpError();
      answer(ctx, 500, "internal", "the server failed to handle the request; the failure is logged");
    });
    // Statuses set without an exception (no route matched): answered only if nothing was said yet.
    router.error(404, ctx -> answerIfEmpty(ctx, 404, "not_found", "no such route: " + ctx.method() + " "
        + ctx.path()));
    router.error(405, ctx -> answerIfEmpty(ctx, 405, "method_not_allowed", ctx.method() + " is not served at "
        + ctx.path()));
  }

  private void refuse(Context ctx, AccountException e) {
    switch (e.reason()) {
      case UNKNOWN_SPACE -> answer(ctx, 404, "unknown_space", e.getMessage());
      case UNKNOWN_DEVICE -> answer(ctx, 404, "unknown_device", e.getMessage());
      case BAD_TOKEN -> answer(ctx, 401, "unauthorized", e.getMessage());
      case REVOKED -> answer(ctx, 403, "revoked", e.getMessage());
      case BAD_INVITE -> answer(ctx, 401, "invalid_invite", e.getMessage());
      case BAD_PAIRING_CODE -> answer(ctx, 401, "invalid_pairing_code", e.getMessage());
      case BAD_REQUEST -> answer(ctx, 400, "bad_request", e.getMessage());
    }
  }

  private void answer(Context ctx, int status, String code, String message) {
    RequestTags.error(ctx, code);
    if (status == 401 && code.equals("unauthorized")) {
      ctx.header("WWW-Authenticate", "Bearer"); // RFC 6750: the scheme the client should use
    }
    ErrorBody body = new ErrorBody(code, message);
    if (isUpgrade(ctx)) {
      refuseUpgrade(ctx, status, body);
    } else {
      ctx.status(status).json(body);
    }
  }

  /**
   * Javalin neither writes the answer to a WebSocket upgrade it refuses nor passes it to the request logger: both
   * are done here, so a refused live connection is explained to the client and seen by the operator.
   */
  private void refuseUpgrade(Context ctx, int status, ErrorBody body) {
    ctx.status(status);
    try {
      byte[] json = Bodies.MAPPER.writeValueAsBytes(body);
      ctx.res().setContentType(Bodies.JSON);
      ctx.res().setContentLength(json.length);
      ctx.res().getOutputStream().write(json);
    } catch (IOException e) {
      log.debug("the answer to a refused upgrade could not be written", e); // the client is gone
    }
    observer.observe(ctx, RequestTags.elapsedMillis(ctx));
  }

  private void answerIfEmpty(Context ctx, int status, String code, String message) {
    if (RequestTags.error(ctx) == null) {
      answer(ctx, status, code, message);
    }
  }

  static String codeOf(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 431 -> "headers_too_large";
      case 505 -> "http_version_not_supported";
      default -> status >= 500 ? "internal" : "refused";
    };
  }

  /** The matched route template, for logs and metrics; {@code unmatched} when no route matched. */
  static String route(Context ctx) {
    Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
    String route = endpoint == null ? null : endpoint.path;
    return route == null || route.isEmpty() ? "unmatched" : route;
  }

  /** Whether the request is a WebSocket upgrade, refused by the handler that runs before it. */
  private static boolean isUpgrade(Context ctx) {
    List<Endpoint> visited = ctx.endpoints().list();
    return !visited.isEmpty() && visited.get(visited.size() - 1).method == HandlerType.WEBSOCKET_BEFORE_UPGRADE;
  }
}
