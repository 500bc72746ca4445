package dev.lattice.server;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for what happens on other threads (live pushes, closed connections) in the server's tests. */
final class Eventually {
  private static final Duration LIMIT = Duration.ofSeconds(15);

  private Eventually() {}

  /** Returns once {@code condition} holds; fails naming {@code what} if it does not within 15 s. */
  static void await(Callable<Boolean> condition, String what) throws Exception {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + LIMIT.toSeconds() + " s: " + what);
      }
      Thread.sleep(10);
    }
  }
}
