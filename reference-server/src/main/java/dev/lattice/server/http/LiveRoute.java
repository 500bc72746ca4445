package dev.lattice.server.http;

import dev.lattice.server.SpaceSyncs;
import dev.lattice.server.accounts.Accounts;
import dev.lattice.server.accounts.DeviceIdentity;
import dev.lattice.server.ops.Metrics;
import dev.lattice.server.ops.RequestLog;
import dev.lattice.sync.serving.ServerLiveChannel;
import dev.lattice.sync.transport.LiveHandler;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsErrorContext;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket {@code /spaces/{space}/live} (also at {@code /spaces/{space}/lattice/live}): the device authenticates on the upgrade request (its bearer token in the
 * {@code Authorization} header; refused with the usual HTTP errors before any WebSocket exists), then binary messages
 * go to the {@link LiveHandler} that {@link SpaceSyncs#live} made for it. Text messages are refused with 1008; Jetty
 * enforces the size limit (1009) and the idle timeout.
 *
 * <p>Jetty calls these callbacks for one connection from one thread at a time, but a close can come from another
 * thread (a revocation, the server stopping); {@link LiveCallbacks} keeps the handler's calls serial either way.
 */
final class LiveRoute {
  private static final Logger log = LoggerFactory.getLogger(LiveRoute.class);

  private final Authenticator auth;
  private final Accounts accounts;
  private final SpaceSyncs syncs;
  private final LiveConnections connections;
  private final Metrics metrics;
  private final RequestLog requestLog;

  LiveRoute(Authenticator auth, Accounts accounts, SpaceSyncs syncs, LiveConnections connections, Metrics metrics,
      RequestLog requestLog) {
    this.auth = auth;
    this.accounts = accounts;
    this.syncs = syncs;
    this.connections = connections;
    this.metrics = metrics;
    this.requestLog = requestLog;
  }

  void mount(RoutesConfig router) {
    for (String path : new String[] {Routes.LIVE, Routes.LIVE_FOR_CLIENTS}) {
      // Throws (401, 403, 404, 429) to refuse the upgrade; the device is then on the upgrade request's attributes.
      router.wsBeforeUpgrade(path, ctx -> {
        RequestTags.started(ctx);
        auth.device(ctx);
      });
      router.ws(path, this::configure);
    }
  }

  private void configure(WsConfig ws) {
    ws.onConnect(this::connected);
    ws.onBinaryMessage(ctx -> {
      LiveConnections.Connection connection = connections.get(ctx.sessionId());
      if (connection != null) {
        // A copy: the handler may keep the message, and the buffer is Jetty's, reused once this returns.
        ByteBuffer data = ctx.data().duplicate();
        byte[] message = new byte[data.remaining()];
        data.get(message);
        connection.channel().received(message);
      }
    });
    ws.onMessage(ctx -> ctx.closeSession(LiveConnections.POLICY_VIOLATION,
        "text messages are not accepted: send binary"));
    ws.onClose(this::closed);
    ws.onError(this::failed);
  }

  private void connected(WsConnectContext ctx) {
    DeviceIdentity device = ctx.attribute(RequestTags.DEVICE);
    ServerLiveChannel channel;
    try {
      Objects.requireNonNull(device, "the upgrade request carries no authenticated device");
      LiveHandler handler = Objects.requireNonNull(syncs.live(device.spaceId(), device.deviceId()),
          "SpaceSyncs.live returned null");
      channel = new ServerLiveChannel(ctx, handler, metrics::liveError);
    } catch (RuntimeException e) {
      log.warn("no live handler for a new connection; refusing it", e);
      metrics.liveError();
      ctx.closeSession(LiveConnections.INTERNAL_ERROR, "internal error");
      return;
    }
    String client = String.valueOf(ctx.session.getRemoteSocketAddress());
    connections.add(ctx.sessionId(), device, client, channel, ctx.session);
    metrics.liveOpened();
    requestLog.liveOpened(device.spaceId(), device.deviceId(), client);
    // Revoked between the upgrade and now? Its revocation may have looked for its connections before this one was
    // added: look again, now that a revocation from here on will find it.
    if (!stillActive(device)) {
      channel.close(LiveConnections.POLICY_VIOLATION, RevokedDevices.REASON);
      return;
    }
    channel.opened();
  }

  private boolean stillActive(DeviceIdentity device) {
    try {
      return accounts.isActive(device);
    } catch (RuntimeException e) {
      log.warn("cannot check whether a live device is still active; closing its connection", e);
      return false;
    }
  }

  private void closed(WsCloseContext ctx) {
    LiveConnections.Connection connection = connections.remove(ctx.sessionId());
    if (connection != null) {
      // Jetty does not say which side began: the peer, or Jetty itself (idle timeout, a message too large).
      String reason = ctx.reason() == null || ctx.reason().isEmpty() ? "" : ": " + ctx.reason();
      String how = "closed with " + ctx.status() + reason;
      ended(connection, how);
    }
  }

  private void failed(WsErrorContext ctx) {
    // Jetty closes the connection after an error and reports the close too; the reason reaches the handler there.
    log.debug("live connection {} failed", ctx.sessionId(), ctx.error());
  }

  /** After the server stopped: connections whose close Jetty did not report are closed now. */
  void stopped() {
    for (LiveConnections.Connection connection : connections.stop()) {
      ended(connection, "server stopped");
    }
  }

  private void ended(LiveConnections.Connection connection, String how) {
    connection.channel().closed(how);
    metrics.liveClosed();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connection.openedAtNanos());
    requestLog.liveClosed(connection.device().spaceId(), connection.device().deviceId(), millis, how);
  }
}
