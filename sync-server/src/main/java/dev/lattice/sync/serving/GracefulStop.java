package dev.lattice.sync.serving;

import java.time.Duration;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * How Lattice's Javalin servers (a peer's, the reference server) stop: finishing requests in progress.
 *
 * <p>Two steps: {@link #install} puts a {@link GracefulHandler} in front of Javalin before the server starts (it counts
 * the requests in progress and refuses new ones with 503 once stopping; under Jetty 11 the statistics handler Javalin
 * installs did that, under Jetty 12 it does not), and {@link #configure} turns graceful stopping on once the server
 * has started.
 */
public final class GracefulStop {
  /** Idle keep-alive connections are closed this soon once stopping, instead of Jetty's default second. */
  private static final long IDLE_CONNECTION_GRACE_MS = 100;

  private GracefulStop() {}

  /**
   * Lets {@code jetty} wait for the requests in progress when it stops. Call it before the server starts; with
   * Javalin, {@code config.jetty.modifyServer(GracefulStop::install)}.
   */
  public static void install(Server jetty) {
    jetty.insertHandler(new GracefulHandler());
  }

  /**
   * Makes stopping graceful: Jetty then stops accepting, waits up to {@code stopTimeout} for requests in progress, and
   * closes idle keep-alive connections after a short while. Call it once started: a graceful stop of a server that
   * failed to start fails with an unrelated error and hides why it did not start.
   *
   * @throws IllegalStateException if {@link #install} was not called before the server started
   */
  public static void configure(Server jetty, Duration stopTimeout) {
    if (jetty.getDescendants(GracefulHandler.class).isEmpty()) {
      throw new IllegalStateException("no GracefulHandler: call GracefulStop.install before starting the server");
    }
    jetty.setStopTimeout(stopTimeout.toMillis());
    long idleGrace = Math.min(stopTimeout.toMillis(), IDLE_CONNECTION_GRACE_MS);
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof AbstractConnector abstractConnector) {
        abstractConnector.setShutdownIdleTimeout(idleGrace);
      }
    }
  }
}
