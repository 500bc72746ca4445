package dev.lattice.server.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The server's metrics, scraped in Prometheus's text format at {@code GET /metrics}:
 *
 * <ul>
 *   <li>{@code lattice_http_requests_seconds} (count, sum, max) by method, route and status: every HTTP request;
 *   <li>{@code lattice_sync_requests_seconds}: time the protocol took to answer sync requests, with a histogram for
 *       percentiles, by outcome ({@code ok}, {@code error});
 *   <li>{@code lattice_live_connections}: open live WebSockets;
 *   <li>{@code lattice_changes_stored_total}: cells (row and column versions, counter contributions) that sync
 *       requests and live pushes stored on this instance: how many, never what;
 *   <li>{@code lattice_errors_total} by where ({@code http}, {@code live}): failures of the server itself;
 *   <li>the JVM's memory, garbage collection, threads, CPU and uptime.
 * </ul>
 *
 * <p>Tags hold route templates ({@code /spaces/{space}/sync}), never the ids in a request, so that the number of
 * series stays bounded and no identifier of a user's space is exported.
 */
public final class Metrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger liveConnections = new AtomicInteger();
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Timer syncOk;
  private final Timer syncError;
  private final Counter httpErrors;
  private final Counter liveErrors;
  private LongSupplier changesStored;

  public Metrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gc.bindTo(registry);
    registry.gauge("lattice.live.connections", liveConnections);
    syncOk = syncTimer("ok");
    syncError = syncTimer("error");
    httpErrors = errors("http");
    liveErrors = errors("live");
  }

  /** The registry, for components that add meters of their own (such as changes stored). */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Counts the changes stored as {@code source} tells them: a running total, read at each scrape. Once per server.
   */
  public void countChangesStored(LongSupplier source) {
    // Kept here: Micrometer holds the counter's source weakly, and a lambda has no other reference.
    changesStored = Objects.requireNonNull(source, "source");
    FunctionCounter.builder("lattice.changes.stored", source, s -> (double) s.getAsLong())
        .description("Changes (cells) stored by syncs on this instance")
        .register(registry);
  }

  /** One HTTP request answered; {@code route} is the matched template, or {@code unmatched}. */
  public void request(String method, String route, int status, long nanos) {
    Timer.builder("lattice.http.requests")
        .description("HTTP requests by method, route template and status")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The protocol answered a sync request ({@code ok}) or failed to ({@code !ok}) after {@code nanos}. */
  public void sync(boolean ok, long nanos) {
    (ok ? syncOk : syncError).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A live connection opened. */
  public void liveOpened() {
    liveConnections.incrementAndGet();
  }

  /** A live connection closed. */
  public void liveClosed() {
    liveConnections.decrementAndGet();
  }

  /** The server failed while answering a request (a 5xx). */
  public void httpError() {
    httpErrors.increment();
  }

  /** A live handler failed. */
  public void liveError() {
    liveErrors.increment();
  }

  /** Everything, in Prometheus's text format. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }

  private Timer syncTimer(String outcome) {
    return Timer.builder("lattice.sync.requests")
        .description("Time the sync protocol took to answer one request")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  private Counter errors(String where) {
    return Counter.builder("lattice.errors")
        .description("Failures of the server itself, by where they happened")
        .tag("where", where)
        .register(registry);
  }
}
