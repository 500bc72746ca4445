package dev.lattice.cli;

import dev.lattice.sync.SyncClient;
import dev.lattice.sync.SyncListener;
import dev.lattice.sync.SyncStatus;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code lattice sync --watch}: continuous sync (catch up, then live push and pull) with a one-line status until
 * Ctrl-C, or until a failure that retrying cannot fix (a revoked device, a wrong passphrase), which ends the command
 * with that failure's one line. On a terminal the line is redrawn in place; otherwise each new status is a line.
 */
final class WatchedSync {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final SyncClient client;
  private final PrintWriter out;
  private final boolean terminal;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicReference<SyncStatus> failed = new AtomicReference<>();
  private String lastLine = "";

  WatchedSync(SyncClient client, PrintWriter out, boolean terminal) {
    this.client = client;
    this.out = out;
    this.terminal = terminal;
  }

  /**
   * Syncs until {@code stopAsked} opens or this thread is interrupted (then returns normally), or until sync stops in
   * error (then the {@link SyncStatus} of the failure is returned).
   */
  SyncStatus run(CountDownLatch stopAsked) {
    client.addListener(new SyncListener() {
      @Override
      public void statusChanged(SyncStatus status) {
        show(status);
        if (status.state() == SyncStatus.State.ERROR && status.retryAt() == null) {
          failed.set(status); // nothing will retry: the watch is over
          ended.countDown();
        }
      }
    });
    Thread relay = new Thread(() -> {
      try {
        stopAsked.await();
        ended.countDown();
      } catch (InterruptedException e) {
        // the watch ended otherwise
      }
    }, "lattice-sync-watch-stop");
    relay.setDaemon(true);
    relay.start();
    client.start();
    try {
      ended.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // asked to stop by whoever runs this command's thread: as for Ctrl-C
    } finally {
      relay.interrupt();
      boolean interrupted = Thread.interrupted(); // stopping joins the worker: with the interrupt cleared
      client.stop();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (terminal) {
      out.println();
    }
    out.flush();
    return failed.get();
  }

  private synchronized void show(SyncStatus status) {
    if (status.state() == SyncStatus.State.STOPPED) {
      return; // the watch's own end, or between attempts: the next status says more
    }
    String line = line(status);
    if (line.equals(lastLine)) {
      return;
    }
    if (terminal) {
      out.print("\r" + line + " ".repeat(Math.max(0, lastLine.length() - line.length())));
    } else {
      out.println(line);
    }
    out.flush();
    lastLine = line;
  }

  /** The status in one line: "up to date; 2 local writes pending; last synced 12:03:04". */
  static String line(SyncStatus status) {
    StringBuilder line = new StringBuilder(status.describe());
    if (status.pendingLocalWrites() > 0) {
      line.append("; ").append(status.pendingLocalWrites()).append(" local write")
          .append(status.pendingLocalWrites() == 1 ? "" : "s").append(" pending");
    }
    if (status.lastSyncedAt() != null) {
      line.append("; last synced ").append(TIME.format(status.lastSyncedAt()));
    }
    return line.toString().replaceAll("\\s+", " ");
  }

  /** For the shutdown hook: waits (a bounded time) for the watch to have stopped, so the JVM exits after it. */
  static void awaitQuietly(CountDownLatch stopped) {
    try {
      stopped.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
