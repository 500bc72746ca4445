package dev.lattice.server.http;

import dev.lattice.server.SpaceSyncs;
import dev.lattice.server.accounts.Accounts;
import dev.lattice.server.accounts.AdminToken;
import dev.lattice.server.config.ServerConfig;
import dev.lattice.server.ops.Health;
import dev.lattice.server.ops.Metrics;
import dev.lattice.server.ops.RequestLog;
import dev.lattice.server.storage.ClusterFeed;
import dev.lattice.sync.transport.GracefulStop;
import dev.lattice.sync.transport.UnreadBodies;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The server's HTTP and WebSocket face, on Javalin (Jetty): the account routes, sync and live, and the operations
 * routes, with errors as JSON, rate limits, and one log line and metric per request. The paths are in the OpenAPI
 * document served at {@code /openapi.json}.
 */
public final class HttpServer implements AutoCloseable {
  /** How long an idle keep-alive connection may stay open once the server is stopping. */

  private final Javalin app;
  private final LiveConnections connections;
  private final LiveRoute live;
  private final ClusterFeed.Subscription revocations;
  private final URI uri;
  private boolean closed;

  private HttpServer(Javalin app, LiveConnections connections, LiveRoute live,
      ClusterFeed.Subscription revocations, URI uri) {
    this.app = app;
    this.connections = connections;
    this.live = live;
    this.revocations = revocations;
    this.uri = uri;
  }

  /**
   * Starts serving; returns once the server accepts connections.
   *
   * @throws BindException if the address cannot be listened on (the port is taken, the host is not local)
   */
  public static HttpServer start(ServerConfig config, Accounts accounts, AdminToken adminToken, SpaceSyncs syncs,
      Metrics metrics, Health health) throws IOException {
    Objects.requireNonNull(config, "config");
    RequestLog requestLog = new RequestLog();
    Authenticator auth = new Authenticator(accounts, adminToken,
        new RateLimiter(config.deviceRate(), System::nanoTime), new RateLimiter(config.ipRate(), System::nanoTime));
    LiveConnections connections = new LiveConnections(config.liveIdleTimeout().dividedBy(2));
    AccountRoutes accountRoutes = new AccountRoutes(accounts, auth);
    SyncRoute sync = new SyncRoute(auth, syncs, metrics, config.maxBodyBytes());
    LiveRoute live = new LiveRoute(auth, accounts, syncs, connections, metrics, requestLog);
    OpsRoutes ops = new OpsRoutes(health, metrics);
    RequestObserver observer = new RequestObserver(metrics, requestLog);
    int max = config.maxBodyBytes();

    Javalin app = Javalin.create(javalin -> {
      javalin.startup.showJavalinBanner = false;
      javalin.startup.startupWatcherEnabled = false;
      javalin.startup.showOldJavalinVersionWarning = false;
      javalin.jsonMapper(new JavalinJackson(Bodies.MAPPER, false));
      javalin.http.maxRequestSize = max;
      javalin.http.prefer405over404 = true;
      // Sync bodies are encrypted: compressing them costs CPU and saves nothing.
      javalin.http.compressionStrategy = CompressionStrategy.NONE;
      javalin.requestLogger.http(observer::observe);
      javalin.jetty.modifyServer(GracefulStop::install);
      // What Jetty refuses before Javalin sees it (unparseable HTTP, 414, 431, 505) is answered in JSON too.
      javalin.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      javalin.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrorHandler.InContext()));
      javalin.jetty.modifyWebSocketServletFactory(factory -> {
        factory.setIdleTimeout(config.liveIdleTimeout());
        factory.setMaxBinaryMessageSize(max);
        // The client may send a whole message as one frame.
        factory.setMaxFrameSize(max);
        // Text is refused anyway: do not buffer much of it first.
        factory.setMaxTextMessageSize(1024);
      });
      new ErrorResponses(metrics, observer).install(javalin.routes);
      ops.mount(javalin.routes);
      accountRoutes.mount(javalin.routes);
      javalin.routes.post(Routes.SYNC, sync::handle);
      javalin.routes.post(Routes.SYNC_FOR_CLIENTS, sync::handle);
      live.mount(javalin.routes);
      // A refused request's body is read to its end (within bounds), so that its client reads the refusal.
      javalin.routes.after(UnreadBodies.discarder(max));
    });
    ClusterFeed.Subscription revocations = accounts.onRevoked(new RevokedDevices(accounts, connections));
    try {
      app.start(config.host(), config.port());
    } catch (Exception e) { // Javalin's Kotlin parts may throw checked exceptions undeclared
      revocations.close();
      app.stop();
      live.stopped();
      String address = config.host() + ":" + config.port();
      if (e instanceof JavalinBindException) {
        BindException bind = new BindException("cannot listen on " + address + ": " + e.getMessage());
        bind.initCause(e);
        throw bind;
      }
      throw new IOException("cannot serve on " + address + ": " + e.getMessage(), e);
    }
    GracefulStop.configure(app.jettyServer().server(), config.stopTimeout());
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return new HttpServer(app, connections, live, revocations, URI.create("http://" + host + ":" + app.port()));
  }

  /** The base address, e.g. {@code http://127.0.0.1:7420}; a wildcard host stays as given. */
  public URI uri() {
    return uri;
  }

  /** The port listened on: the one asked for, or the one chosen for port 0. */
  public int port() {
    return uri.getPort();
  }

  /**
   * Stops serving: closes live connections (1001, their handlers see {@code onClose}), stops accepting, lets requests
   * in progress finish for up to the stop timeout, then stops. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    revocations.close();
    connections.closeAll(LiveConnections.GOING_AWAY, "server shutting down");
    app.stop();
    live.stopped();
  }
}
