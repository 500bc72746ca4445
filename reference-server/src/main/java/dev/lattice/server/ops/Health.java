package dev.lattice.server.ops;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health}: the server answers (liveness) and everything it needs answers too (readiness): the accounts'
 * storage, the spaces' storage, and on a shared database the feed by which it hears the other instances. A load
 * balancer takes a server out of rotation on the 503 if any of them fails.
 *
 * <p>The answer comes within {@link #DEADLINE} whatever the checks do: a database that is down makes a connection
 * wait far longer (the pool's timeout), and a health check that hangs is one the load balancer gives up on. Checks
 * run side by side, and a check still running from an earlier request is awaited again rather than started twice, so
 * a dead database cannot pile up threads.
 */
public final class Health {
  /** How long {@link #check()} waits for the checks, by default; one still running then counts as failed. */
  public static final Duration DEADLINE = Duration.ofSeconds(2);

  /**
   * What {@code /health} says: {@code status} ({@code ok} or {@code unavailable}), each check's outcome by name
   * ({@code ok} or {@code unreachable}), and the HTTP status.
   */
  public record Report(String status, Map<String, String> checks, int httpStatus) {
    public Report {
      checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }
  }

  private static final Executor CHECKERS = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "lattice-health");
    thread.setDaemon(true);
    return thread;
  });

  private final Map<String, BooleanSupplier> checks;
  private final Duration deadline;
  private final Map<String, CompletableFuture<Boolean>> running = new ConcurrentHashMap<>();

  /**
   * @param checks by name, in the order reported: each tells whether what it checks works now; the accounts' storage
   *     is {@code storage}
   */
  public Health(Map<String, BooleanSupplier> checks) {
    this(checks, DEADLINE);
  }

  Health(Map<String, BooleanSupplier> checks, Duration deadline) {
    this.checks = new LinkedHashMap<>(Objects.requireNonNull(checks, "checks"));
    this.deadline = Objects.requireNonNull(deadline, "deadline");
  }

  /** Only the storage: {@code {"status", "storage"}}. */
  public Health(BooleanSupplier storageReachable) {
    this(Map.of("storage", storageReachable));
  }

  /** Runs every check, side by side, and reports within the deadline; a check still running then has failed. */
  public Report check() {
    Map<String, CompletableFuture<Boolean>> started = new LinkedHashMap<>();
    checks.forEach((name, check) -> started.put(name, run(name, check)));
    long until = System.nanoTime() + deadline.toNanos();
    Map<String, String> outcomes = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, CompletableFuture<Boolean>> check : started.entrySet()) {
      boolean up = outcome(check.getValue(), until);
      outcomes.put(check.getKey(), up ? "ok" : "unreachable");
      ok &= up;
    }
    return new Report(ok ? "ok" : "unavailable", outcomes, ok ? 200 : 503);
  }

  /** The check's run still in progress if there is one, else a new run. */
  private CompletableFuture<Boolean> run(String name, BooleanSupplier check) {
    return running.compute(name, (n, earlier) -> earlier != null && !earlier.isDone()
        ? earlier
        : CompletableFuture.supplyAsync(() -> passes(check), CHECKERS));
  }

  private static boolean outcome(CompletableFuture<Boolean> check, long deadline) {
    try {
      return check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A check that throws has failed: the health route must answer, whatever broke. */
  private static boolean passes(BooleanSupplier check) {
    try {
      return check.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
