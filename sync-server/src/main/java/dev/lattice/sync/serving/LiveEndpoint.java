package dev.lattice.sync.serving;

import dev.lattice.sync.transport.LiveCallbacks;
import dev.lattice.sync.transport.LiveHandler;
import dev.lattice.sync.transport.LiveSocket;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsErrorContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of {@code /lattice/live}: one {@link LiveHandler} per connection, fed binary messages; text messages
 * are refused with 1008. Jetty enforces the size limit itself (closing with 1009) and the idle timeout; a
 * {@link Pinger} keeps connections that are quiet but alive from timing out.
 *
 * <p>Jetty calls these callbacks for one connection from one thread at a time, but a close can come from another
 * thread (the server stopping, an idle timeout); {@link LiveCallbacks} keeps the handler's calls serial either way.
 */
final class LiveEndpoint {
  private static final Logger log = LoggerFactory.getLogger(LiveEndpoint.class);

  /** One open connection: its channel, and its pings to cancel when it closes. */
  private record Connection(ServerLiveChannel channel, ScheduledFuture<?> pings) {}

  private final Supplier<? extends LiveHandler> handlers;
  private final Pinger pinger;
  /** Open connections by Javalin's session id: each event gets a fresh context, the id is what ties them together. */
  private final Map<String, Connection> open = new ConcurrentHashMap<>();

  LiveEndpoint(Supplier<? extends LiveHandler> handlers, Duration pingInterval) {
    this.handlers = handlers;
    this.pinger = new Pinger(pingInterval);
  }

  void configure(WsConfig ws) {
    ws.onConnect(this::connected);
    ws.onBinaryMessage(ctx -> {
      Connection connection = open.get(ctx.sessionId());
      if (connection != null) {
        // A copy: the handler may keep the message, and the buffer is Jetty's, reused once this returns.
        ByteBuffer data = ctx.data().duplicate();
        byte[] message = new byte[data.remaining()];
        data.get(message);
        connection.channel().callbacks().message(message);
      }
    });
    ws.onMessage(ctx -> ctx.closeSession(LiveSocket.POLICY_VIOLATION, "text messages are not accepted: send binary"));
    ws.onClose(this::closed);
    ws.onError(this::failed);
  }

  private void connected(WsConnectContext ctx) {
    LiveHandler handler;
    try {
      handler = Objects.requireNonNull(handlers.get(), "the live handler supplier returned null");
    } catch (RuntimeException e) {
      log.warn("no live handler for a new connection; refusing it", e);
      ctx.closeSession(LiveSocket.INTERNAL_ERROR, "internal error");
      return;
    }
    ServerLiveChannel channel = new ServerLiveChannel(ctx, handler);
    open.put(ctx.sessionId(), new Connection(channel, pinger.start(ctx.session)));
    channel.callbacks().opened();
  }

  private void closed(WsCloseContext ctx) {
    Connection connection = open.remove(ctx.sessionId());
    if (connection != null) {
      connection.pings().cancel(false);
      // Jetty does not say which side began: the peer, or Jetty itself (idle timeout, a message too large).
      String reason = ctx.reason() == null || ctx.reason().isEmpty() ? "" : ": " + ctx.reason();
      connection.channel().callbacks().closed("closed with " + ctx.status() + reason);
    }
  }

  private void failed(WsErrorContext ctx) {
    // Jetty closes the connection after an error and reports the close too; the reason reaches the handler there.
    log.debug("live connection {} failed", ctx.sessionId(), ctx.error());
  }

  /** Closes every open connection, telling peers why; their handlers get {@code onClose} before this returns. */
  void closeAll(int statusCode, String reason) {
    for (Connection connection : open.values()) {
      connection.channel().close(statusCode, reason);
    }
  }

  /**
   * After the server stopped: stops pinging, and a handler whose close Jetty did not report (a connection that came
   * in while stopping) hears of it now.
   */
  void stopped(String reason) {
    pinger.close();
    List<Connection> left = new ArrayList<>(open.values());
    open.clear();
    left.forEach(connection -> connection.channel().callbacks().closed(reason));
  }
}
