package dev.lattice.server.http;

import dev.lattice.server.ops.Health;
import dev.lattice.server.ops.Metrics;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What operators and their tools read: {@code /health} for load balancers, {@code /metrics} for Prometheus, and
 * {@code /openapi.json}, the API described for people and client generators. None needs a token: none tells anything
 * about a space beyond counts.
 */
final class OpsRoutes {
  private static final String OPENAPI_RESOURCE = "openapi.json";
  /** Prometheus's text exposition format. */
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Health health;
  private final Metrics metrics;
  private final byte[] openApi;

  OpsRoutes(Health health, Metrics metrics) {
    this.health = health;
    this.metrics = metrics;
    this.openApi = loadOpenApi();
  }

  void mount(RoutesConfig router) {
    router.get(Routes.HEALTH, this::health);
    router.get(Routes.METRICS, ctx -> ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape()));
    router.get(Routes.OPENAPI, ctx -> ctx.contentType(Bodies.JSON).result(openApi));
  }

  /** {@code {"status": "ok", "storage": "ok", ...}}: the verdict first, then each check by name. */
  private void health(Context ctx) {
    Health.Report report = health.check();
    Map<String, String> body = new LinkedHashMap<>();
    body.put("status", report.status());
    body.putAll(report.checks());
    ctx.status(report.httpStatus()).json(body);
  }

  /** The hand-written OpenAPI document, read once: a missing one is a broken build, found at start. */
  static byte[] loadOpenApi() {
    try (InputStream in = OpsRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document " + OPENAPI_RESOURCE + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the OpenAPI document", e);
    }
  }
}
