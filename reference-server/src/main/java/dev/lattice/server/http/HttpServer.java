package dev.lattice.server.http;

import dev.lattice.server.SpaceSyncs;
import dev.lattice.server.accounts.Accounts;
import dev.lattice.server.accounts.AdminToken;
import dev.lattice.server.config.ServerConfig;
import dev.lattice.server.ops.Health;
import dev.lattice.server.ops.Metrics;
import dev.lattice.server.ops.RequestLog;
import dev.lattice.server.storage.ClusterFeed;
import dev.lattice.server.storage.Dialect;
import dev.lattice.server.storage.ServerDatabase;
import dev.lattice.sync.serving.GracefulStop;
import dev.lattice.sync.serving.UnreadBodies;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

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
   * @throws TlsException if the TLS certificate or key cannot be served with
   */
  public static HttpServer start(ServerConfig config, ServerDatabase database, Accounts accounts,
      AdminToken adminToken, SpaceSyncs syncs, Metrics metrics, Health health) throws IOException {
    Objects.requireNonNull(config, "config");
    RequestLog requestLog = new RequestLog();
    ClientAddress clients = new ClientAddress(config.trustedProxies());
    Authenticator auth = new Authenticator(accounts, adminToken,
        new RateLimiter(config.deviceRate(), System::nanoTime), addressBudgets(config, database), clients);
    LiveConnections connections = new LiveConnections(config.liveIdleTimeout().dividedBy(2));
    AccountRoutes accountRoutes = new AccountRoutes(accounts, auth);
    SyncRoute sync = new SyncRoute(auth, syncs, metrics, config.maxBodyBytes());
    LiveRoute live = new LiveRoute(auth, accounts, syncs, connections, metrics, requestLog);
    OpsRoutes ops = new OpsRoutes(health, metrics);
    RequestObserver observer = new RequestObserver(metrics, requestLog, clients);
    int max = config.maxBodyBytes();
    // Read before anything starts: a bad certificate or key stops the start with its message, nothing to undo.
    SslContextFactory.Server tls = config.tls().enabled() ? tls(config) : null;

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
      if (tls != null) {
        // Javalin adds its plain HTTP connector only when there is none: this one replaces it.
        javalin.jetty.addConnector((server, http) -> httpsConnector(server, http, tls, config));
      }
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
      // A refused request's body is read to its end (within bounds), so that its client reads the refusal. The bound
      // follows the larger limit: account routes take JSON up to their own limit, whatever the sync body limit is.
      javalin.routes.after(UnreadBodies.discarder(Math.max(max, Bodies.MAX_JSON_BYTES)));
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
    String scheme = tls == null ? "http" : "https";
    return new HttpServer(app, connections, live, revocations, URI.create(scheme + "://" + host + ":" + app.port()));
  }

  /**
   * Per client address: on a shared PostgreSQL, in the database, so that N instances do not give a guesser N budgets.
   * The per-device budget stays in each instance's memory: a device is authenticated and revocable, and one write per
   * sync would cost every device's requests to bound a few.
   */
  private static RateBudgets addressBudgets(ServerConfig config, ServerDatabase database) {
    return database.dialect() == Dialect.POSTGRES
        ? new SharedRateLimiter(database, "address", config.ipRate())
        : new RateLimiter(config.ipRate(), System::nanoTime);
  }

  /**
   * Reads the TLS certificate and key, if any, and refuses them as {@link #start} would: for the server to check
   * before it opens (and perhaps creates) its databases.
   */
  public static void checkTls(ServerConfig config) throws TlsException {
    if (config.tls().enabled()) {
      PemKeyStore.load(config.tls());
    }
  }

  private static SslContextFactory.Server tls(ServerConfig config) throws TlsException {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setKeyStore(PemKeyStore.load(config.tls()));
    factory.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
    return factory;
  }

  /** HTTPS on the configured address: TLS, then HTTP/1.1 (WebSockets upgrade from it, as over plain HTTP). */
  private static ServerConnector httpsConnector(Server server, HttpConfiguration http, SslContextFactory.Server tls,
      ServerConfig config) {
    HttpConfiguration https = new HttpConfiguration(http);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // The client checks the certificate's names; refusing requests whose Host is not among them adds nothing but
    // 400s for clients that dial an address the certificate does not list.
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
        new HttpConnectionFactory(https));
    connector.setHost(config.host());
    connector.setPort(config.port());
    return connector;
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
