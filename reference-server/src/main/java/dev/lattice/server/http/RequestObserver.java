package dev.lattice.server.http;

import dev.lattice.server.accounts.DeviceIdentity;
import dev.lattice.server.ops.Metrics;
import dev.lattice.server.ops.RequestLog;
import io.javalin.http.Context;

/**
 * Runs after every HTTP request, answered or refused: one log line and one count in the metrics. Reads only what the
 * handlers tagged (device, error code) and the route template; the path's space id goes to the log, never to metrics.
 */
final class RequestObserver {
  /** Longer path values are cut: the log is not a place for whatever a client sends. */
  private static final int MAX_ID_CHARS = 64;

  private final Metrics metrics;
  private final RequestLog log;
  private final ClientAddress clients;

  RequestObserver(Metrics metrics, RequestLog log, ClientAddress clients) {
    this.metrics = metrics;
    this.log = log;
    this.clients = clients;
  }

  void observe(Context ctx, float executionMs) {
    String route = ErrorResponses.route(ctx);
    String method = ctx.method().name();
    int status = ctx.status().getCode();
    metrics.request(method, route, status, (long) (executionMs * 1_000_000.0));
    DeviceIdentity device = RequestTags.device(ctx);
    String space = device != null ? device.spaceId() : cut(ctx.pathParamMap().get("space"));
    log.request(method, route, status, executionMs, cut(clients.of(ctx)), space, device == null ? null : device.deviceId(),
        RequestTags.error(ctx));
  }

  private static String cut(String value) {
    return value == null || value.length() <= MAX_ID_CHARS ? value : value.substring(0, MAX_ID_CHARS) + "...";
  }
}
