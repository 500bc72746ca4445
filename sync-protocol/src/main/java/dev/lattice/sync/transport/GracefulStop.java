package dev.lattice.sync.transport;

import java.time.Duration;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

/** How Lattice's Javalin servers (a peer's, the reference server) stop: finishing requests in progress. */
public final class GracefulStop {
  /** Idle keep-alive connections are closed this soon once stopping, instead of Jetty's default second. */
  private static final long IDLE_CONNECTION_GRACE_MS = 100;

  private GracefulStop() {}

  /**
   * Makes stopping graceful: Jetty then stops accepting, waits up to {@code stopTimeout} for requests in progress, and
   * closes idle keep-alive connections after a short while. Call it once started: a graceful stop of a server that
   * failed to start fails with an unrelated error and hides why it did not start.
   */
  public static void configure(Server jetty, Duration stopTimeout) {
    jetty.setStopTimeout(stopTimeout.toMillis());
    long idleGrace = Math.min(stopTimeout.toMillis(), IDLE_CONNECTION_GRACE_MS);
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof AbstractConnector) {
        ((AbstractConnector) connector).setShutdownIdleTimeout(idleGrace);
      }
    }
  }
}
