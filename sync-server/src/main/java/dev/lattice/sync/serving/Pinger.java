package dev.lattice.sync.serving;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Pings live connections at a fixed interval, so that a connection waiting quietly for changes is not closed as idle
 * and the peer's answers show it is alive.
 *
 * <p>Not Javalin's automatic pings: those run on one JVM-wide thread that is not a daemon, which no server stops (a
 * stopped server would keep the JVM from exiting). Here each server has its own daemon thread, stopped with it, and
 * pings are sent without waiting, so one stuck peer delays no other connection's. Public for servers that serve live
 * connections of their own (the reference server).
 */
public final class Pinger implements AutoCloseable {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final Duration interval;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "lattice-live-pinger");
    thread.setDaemon(true);
    return thread;
  });

  /** A pinger that pings every {@code interval}, on a daemon thread of its own. */
  public Pinger(Duration interval) {
    this.interval = interval;
  }

  /** Starts pinging {@code session}; cancel the result when it closes. */
  public ScheduledFuture<?> start(Session session) {
    long millis = Math.max(1, interval.toMillis());
    return scheduler.scheduleAtFixedRate(() -> ping(session), millis, millis, TimeUnit.MILLISECONDS);
  }

  private static void ping(Session session) {
    try {
      if (session.isOpen()) {
        session.sendPing(EMPTY.duplicate(), Callback.NOOP);
      }
    } catch (RuntimeException e) {
      // Closing under us; its close is reported elsewhere. Throwing would silently end this session's pings.
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
