package dev.lattice.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The health report: every check by name, a 503 if any fails, and an answer in time whatever the checks do. */
@Timeout(10)
class HealthTest {
  @Test
  void everyCheckIsReportedAndAnyFailureIs503() {
    Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
    checks.put("storage", () -> true);
    checks.put("relay", () -> true);
    assertEquals(new Health.Report("ok", Map.of("storage", "ok", "relay", "ok"), 200), new Health(checks).check());

    checks.put("feed", () -> {
      throw new IllegalStateException("a check that throws has failed");
    });
    Health.Report report = new Health(checks).check();
    assertEquals(503, report.httpStatus());
    assertEquals("unavailable", report.status());
    assertEquals(Map.of("storage", "ok", "relay", "ok", "feed", "unreachable"), report.checks());
  }

  @Test
  void aHangingCheckFailsAtTheDeadlineAndIsNotStartedAgainWhileItHangs() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    Health health = new Health(Map.of("storage", () -> {
      started.incrementAndGet();
      try {
        release.await(); // a connection that waits for a database that is gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return true;
    }), Duration.ofMillis(200));

    for (int i = 0; i < 3; i++) {
      long before = System.nanoTime();
      Health.Report report = health.check();
      assertEquals(503, report.httpStatus());
      assertTrue(System.nanoTime() - before < Duration.ofSeconds(2).toNanos(), "answered at the deadline");
    }
    assertEquals(1, started.get(), "one check at a time, however often the load balancer asks");

    release.countDown();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (health.check().httpStatus() != 200) {
      assertTrue(System.nanoTime() < deadline, "healthy again once the check returns");
      Thread.sleep(10);
    }
  }
}
