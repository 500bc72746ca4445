package dev.lattice.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.TestPostgres;
import dev.lattice.server.config.RateLimit;
import dev.lattice.server.storage.ServerDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Token buckets in a real PostgreSQL, shared by two limiters as by two instances. */
@Timeout(60)
class SharedRateLimiterTest {
  @Test
  void concurrentAttemptsThroughTwoInstances_takeNoMoreThanTheOneBurst() throws Exception {
    String url = TestPostgres.url(TestPostgres.newDatabase("shared_limit"));
    RateLimit limit = new RateLimit(0.001, 25);
    try (ServerDatabase one = ServerDatabase.openPostgres(url, TestPostgres.USER, TestPostgres.PASSWORD);
        ServerDatabase two = ServerDatabase.openPostgres(url, TestPostgres.USER, TestPostgres.PASSWORD)) {
      List<SharedRateLimiter> instances = List.of(new SharedRateLimiter(one, "address", limit),
          new SharedRateLimiter(two, "address", limit));
      AtomicInteger granted = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> attempts = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
          SharedRateLimiter instance = instances.get(i % 2);
          attempts.add(pool.submit(() -> {
            if (instance.tryAcquire("203.0.113.9")) {
              granted.incrementAndGet();
            }
          }));
        }
        for (Future<?> attempt : attempts) {
          attempt.get();
        }
      } finally {
        pool.shutdownNow();
      }

      assertEquals(25, granted.get(), "the burst, once, across both instances");
      assertTrue(instances.get(0).isExhausted("203.0.113.9") && instances.get(1).isExhausted("203.0.113.9"));
      assertFalse(instances.get(1).isExhausted("198.51.100.1"), "another address has its own budget");
      assertTrue(instances.get(0).retryAfterSeconds("203.0.113.9") > 1, "a token comes back after ~1000 s");
    }
  }

  @Test
  void fullBucketsAreSwept_aSpentOneIsKept() throws Exception {
    String url = TestPostgres.url(TestPostgres.newDatabase("shared_sweep"));
    try (ServerDatabase db = ServerDatabase.openPostgres(url, TestPostgres.USER, TestPostgres.PASSWORD)) {
      SharedRateLimiter fast = new SharedRateLimiter(db, "fast", new RateLimit(1000, 1), 0);
      SharedRateLimiter slow = new SharedRateLimiter(db, "slow", new RateLimit(0.001, 1), 0);
      assertTrue(slow.tryAcquire("a"));
      assertTrue(fast.tryAcquire("b"));
      Thread.sleep(20); // "b" refills in a millisecond

      fast.tryAcquire("c"); // sweeps its own limit's full buckets: "b"; "c" is spent right after
      slow.tryAcquire("d"); // sweeps none: "a" is still spent

      assertEquals(1, fast.size(), "b swept, c kept");
      assertEquals(2, slow.size(), "a and d kept: both spent");
      assertFalse(slow.tryAcquire("a"), "a kept its spent budget");
    }
  }
}
