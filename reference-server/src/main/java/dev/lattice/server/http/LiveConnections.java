package dev.lattice.server.http;

import dev.lattice.server.accounts.DeviceIdentity;
import dev.lattice.sync.serving.Pinger;
import dev.lattice.sync.serving.ServerLiveChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The open live connections, by Javalin's session id, with the device on each: so that revoking a device closes its
 * connections ({@link RevokedDevices}), and stopping the server closes them all. Pings every connection while it is
 * open.
 */
final class LiveConnections {
  /** WebSocket close codes (RFC 6455 section 7.4.1). */
  static final int NORMAL = 1000;
  static final int GOING_AWAY = 1001;
  static final int POLICY_VIOLATION = 1008;
  static final int INTERNAL_ERROR = 1011;

  /** One open connection: whose it is, its channel, its pings, and when it opened. */
  record Connection(DeviceIdentity device, String client, ServerLiveChannel channel, ScheduledFuture<?> pings,
      long openedAtNanos) {}

  private final Pinger pinger;
  private final Map<String, Connection> open = new ConcurrentHashMap<>();

  LiveConnections(Duration pingInterval) {
    this.pinger = new Pinger(pingInterval);
  }

  Connection add(String sessionId, DeviceIdentity device, String client, ServerLiveChannel channel,
      Session session) {
    Connection connection = new Connection(device, client, channel, pinger.start(session), System.nanoTime());
    open.put(sessionId, connection);
    return connection;
  }

  /** The connection, or null if it is not open (any more). */
  Connection get(String sessionId) {
    return open.get(sessionId);
  }

  /** Forgets the connection and stops its pings; null if it was not open. */
  Connection remove(String sessionId) {
    Connection connection = open.remove(sessionId);
    if (connection != null) {
      connection.pings().cancel(false);
    }
    return connection;
  }

  /** The devices with a connection open now. */
  Set<DeviceIdentity> devices() {
    Set<DeviceIdentity> devices = new HashSet<>();
    for (Connection connection : open.values()) {
      devices.add(connection.device());
    }
    return devices;
  }

  /** Closes every connection of {@code device}; their handlers get {@code onClose} before this returns. */
  void close(DeviceIdentity device, int statusCode, String reason) {
    for (Connection connection : open.values()) {
      if (connection.device().equals(device)) {
        connection.channel().close(statusCode, reason);
      }
    }
  }

  /** Closes every connection, telling peers why; their handlers get {@code onClose} before this returns. */
  void closeAll(int statusCode, String reason) {
    for (Connection connection : open.values()) {
      connection.channel().close(statusCode, reason);
    }
  }

  /** After the server stopped: stops pinging and hands back the connections whose close Jetty did not report. */
  List<Connection> stop() {
    pinger.close();
    List<Connection> left = new ArrayList<>();
    for (String id : List.copyOf(open.keySet())) {
      Connection connection = remove(id);
      if (connection != null) {
        left.add(connection);
      }
    }
    return left;
  }
}
