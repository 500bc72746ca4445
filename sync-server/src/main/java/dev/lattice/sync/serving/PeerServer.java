package dev.lattice.sync.serving;

import dev.lattice.sync.transport.Endpoints;
import dev.lattice.sync.transport.LiveHandler;
import dev.lattice.sync.transport.LiveSocket;
import dev.lattice.sync.transport.RequestHandler;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the sync protocol over HTTP: a {@link RequestHandler} at {@code POST /lattice/sync} (bodies
 * {@code application/cbor}), {@link LiveHandler}s at the WebSocket {@code /lattice/live} (binary messages), and
 * {@code GET /lattice/health}. Built on Javalin (Jetty).
 *
 * <p>Threads: the request handler is called on server threads, for several requests at once, and must be
 * thread-safe. Each live connection gets its own handler from the supplier; its calls are serial (see
 * {@link LiveHandler}) but different connections run in parallel.
 *
 * <p>Limits: a request body or live message larger than {@link Options#maxMessageBytes()} is refused (413, or the
 * connection closed with 1009) before any handler sees it; a live connection silent for {@link Options#idleTimeout()}
 * is closed, and the server pings quiet ones so that only dead peers go silent.
 */
public final class PeerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerServer.class);

  /**
   * How a {@link PeerServer} listens.
   *
   * @param host the address to listen on; the default, {@code 127.0.0.1}, accepts only local peers
   * @param port the port, or 0 for any free port (see {@link PeerServer#port()})
   * @param maxMessageBytes the largest request body and live message accepted
   * @param idleTimeout how long a live connection may be silent (the server pings at half this interval)
   * @param stopTimeout how long {@link PeerServer#close()} waits for requests in progress
   */
  public record Options(String host, int port, int maxMessageBytes, Duration idleTimeout, Duration stopTimeout) {
    public Options {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      // The body is read into one array with one byte of look-ahead.
      if (maxMessageBytes < 1 || maxMessageBytes > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("maxMessageBytes must be positive and fit an array, was " + maxMessageBytes);
      }
      requirePositive(idleTimeout, "idleTimeout");
      requirePositive(stopTimeout, "stopTimeout");
    }

    /**
     * Loopback, any free port, {@link Endpoints#DEFAULT_MAX_MESSAGE_BYTES} (the clients' default too), one minute idle
     * timeout, five seconds to stop.
     */
    public static Options defaults() {
      return new Options("127.0.0.1", 0, Endpoints.DEFAULT_MAX_MESSAGE_BYTES, Duration.ofMinutes(1),
          Duration.ofSeconds(5));
    }

    public Options withHost(String host) {
      return new Options(host, port, maxMessageBytes, idleTimeout, stopTimeout);
    }

    public Options withPort(int port) {
      return new Options(host, port, maxMessageBytes, idleTimeout, stopTimeout);
    }

    public Options withMaxMessageBytes(int maxMessageBytes) {
      return new Options(host, port, maxMessageBytes, idleTimeout, stopTimeout);
    }

    public Options withIdleTimeout(Duration idleTimeout) {
      return new Options(host, port, maxMessageBytes, idleTimeout, stopTimeout);
    }

    public Options withStopTimeout(Duration stopTimeout) {
      return new Options(host, port, maxMessageBytes, idleTimeout, stopTimeout);
    }

    private static void requirePositive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + duration);
      }
    }
  }

  private final Javalin app;
  private final LiveEndpoint live;
  private final URI uri;
  private boolean closed;

  private PeerServer(Javalin app, LiveEndpoint live, URI uri) {
    this.app = app;
    this.live = live;
    this.uri = uri;
  }

  /**
   * Starts serving; returns once the server accepts connections.
   *
   * @param liveHandlers makes one handler per live connection
   * @throws BindException if the address cannot be listened on (the port is taken, the host is not local)
   */
  public static PeerServer start(Options options, RequestHandler handler, Supplier<? extends LiveHandler> liveHandlers)
      throws IOException {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(liveHandlers, "liveHandlers");
    int max = options.maxMessageBytes();
    SyncEndpoint sync = new SyncEndpoint(handler, max);
    LiveEndpoint live = new LiveEndpoint(liveHandlers, options.idleTimeout().dividedBy(2));
    Javalin app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.startupWatcherEnabled = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.http.maxRequestSize = max;
      config.http.prefer405over404 = true;
      // Bodies are encrypted: compressing them costs CPU and saves nothing.
      config.http.compressionStrategy = CompressionStrategy.NONE;
      config.jetty.modifyServer(GracefulStop::install);
      config.jetty.modifyWebSocketServletFactory(factory -> {
        factory.setIdleTimeout(options.idleTimeout());
        factory.setMaxBinaryMessageSize(max);
        // The client may send a whole message as one frame.
        factory.setMaxFrameSize(max);
        // Text is refused anyway: do not buffer much of it first.
        factory.setMaxTextMessageSize(1024);
      });
      config.routes.post(Endpoints.SYNC, sync);
      config.routes.get(Endpoints.HEALTH, ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
      config.routes.ws(Endpoints.LIVE, live::configure);
      // A refused request's body is read to its end (within bounds), so that its client reads the refusal.
      config.routes.after(UnreadBodies.discarder(max));
    });
    try {
      app.start(options.host(), options.port());
    } catch (Exception e) { // Javalin's Kotlin parts may throw checked exceptions undeclared
      app.stop();
      live.stopped("server did not start");
      String address = options.host() + ":" + options.port();
      if (e instanceof JavalinBindException) {
        BindException bind = new BindException("cannot listen on " + address + ": " + e.getMessage());
        bind.initCause(e);
        throw bind;
      }
      throw new IOException("cannot serve sync on " + address + ": " + e.getMessage(), e);
    }
    GracefulStop.configure(app.jettyServer().server(), options.stopTimeout());
    String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    URI uri = URI.create("http://" + host + ":" + app.port());
    log.info("serving sync on {}", uri);
    return new PeerServer(app, live, uri);
  }

  /** The base address peers connect to, e.g. {@code http://127.0.0.1:52113}; a wildcard host stays as given. */
  public URI uri() {
    return uri;
  }

  /** The port listened on: the one asked for, or the one chosen for port 0. */
  public int port() {
    return uri.getPort();
  }

  /**
   * Stops serving: stops accepting connections, closes live connections (1001, their handlers see {@code onClose}),
   * lets requests in progress finish for up to {@link Options#stopTimeout()}, then stops. Idempotent. When it
   * returns, every live handler has had its {@code onClose}.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    live.closeAll(LiveSocket.GOING_AWAY, "server shutting down");
    app.stop();
    live.stopped("server stopped");
    log.info("stopped serving sync on {}", uri);
  }
}
