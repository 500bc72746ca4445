package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.config.RateLimit;
import dev.lattice.server.config.ServerConfig;
import dev.lattice.sync.Resources;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncListener;
import dev.lattice.sync.SyncStatus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SyncClient's status tells the truth against the real server: a revoked device is an error that says what to do, not
 * an endless offline; a rate-limited one waits as Retry-After says; conflicts are heard as they are recorded.
 */
@Timeout(60)
class SyncClientStatusTest {
  @TempDir Path dir;
  @RegisterExtension final Resources resources = new Resources();

  private record Space(Api api, URI base, Api.Device laptop, Api.Device phone) {}

  private Space space(ServerConfig config) throws Exception {
    LatticeServer server = resources.keep(LatticeServer.startWithRelay(config));
    Api api = new Api(server.uri());
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device laptop = api.join(space, "laptop");
    Api.Device phone = api.pair(laptop, "phone");
    return new Space(api, URI.create(server.uri() + "/spaces/" + space.id()), laptop, phone);
  }

  private SyncClient client(DeviceDatabase device, Space space, Api.Device id) {
    return resources.keep(SyncClient.builder(device.store, space.base()).bearerToken(id.token())
        .retry(Duration.ofMillis(50), Duration.ofMillis(200)).build());
  }

  @Test
  void aRevokedDeviceIsAnErrorThatSaysJoinAgain_withinOneRetry_andStopsRetrying() throws Exception {
    Space space = space(TestServer.config(dir, TestStorage.SQLITE));
    DeviceDatabase laptop = resources.keep(DeviceDatabase.encrypted(dir.resolve("laptop.db"), "correct horse"));
    DeviceDatabase phone = resources.keep(DeviceDatabase.encrypted(dir.resolve("phone.db"), "correct horse"));
    client(laptop, space, space.laptop()).syncNow();
    SyncClient phoneClient = client(phone, space, space.phone());
    List<SyncStatus> seen = new CopyOnWriteArrayList<>();
    phoneClient.addListener(new SyncListener() {
      @Override
      public void statusChanged(SyncStatus status) {
        seen.add(status);
      }
    });
    phoneClient.start();
    Eventually.await(() -> phoneClient.status().state() == SyncStatus.State.LIVE, "the phone live");

    assertEquals(204, space.api().delete("/spaces/" + space.base().getPath().replaceAll(".*/", "")
        + "/devices/" + space.phone().id(), space.laptop().token()).status());

    Eventually.await(() -> phoneClient.status().state() == SyncStatus.State.ERROR, "the revoked phone in error");
    SyncStatus status = phoneClient.status();
    assertEquals(SyncException.Kind.REFUSED, status.error().kind(), status::describe);
    assertTrue(status.describe().contains("Join again"), status::describe);
    assertNull(status.retryAt(), "nothing to wait for: retrying cannot fix it");
    int offlineBeforeError = (int) seen.stream().filter(s -> s.state() == SyncStatus.State.OFFLINE).count();
    assertTrue(offlineBeforeError <= 2, "one retry at most (the live close, then the refusal): " + seen);
    int heard = seen.size();
    Thread.sleep(500);
    assertEquals(heard, seen.size(), "stopped: no more attempts after the refusal");
  }

  @Test
  void aRateLimitedDeviceWaitsAsRetryAfterSays_evenBeyondItsLongestBackoff() throws Exception {
    Space space = space(TestServer.config(dir, TestStorage.SQLITE).withDeviceRate(new RateLimit(0.5, 3)));
    DeviceDatabase laptop = resources.keep(DeviceDatabase.create(dir.resolve("laptop.db")));
    SyncClient oneShot = client(laptop, space, space.laptop());
    SyncException limited = assertThrows(SyncException.class, () -> {
      for (int i = 0; i < 10; i++) {
        oneShot.syncNow();
      }
    });
    assertEquals(SyncException.Kind.UNAVAILABLE, limited.kind(), limited::toString);
    Duration asked = limited.retryAfter().orElseThrow(() -> new AssertionError("no Retry-After: " + limited));
    assertTrue(asked.toSeconds() >= 1, asked::toString);

    SyncClient continuous = client(laptop, space, space.laptop()); // backoff at most 200 ms
    Instant started = Instant.now();
    continuous.start();
    Eventually.await(() -> continuous.status().retryAt() != null, "a retry scheduled");
    SyncStatus offline = continuous.status();
    assertEquals(SyncStatus.State.OFFLINE, offline.state(), offline::describe);
    assertTrue(Duration.between(started, offline.retryAt()).toMillis() >= asked.toMillis() - 1000,
        () -> "retry at " + offline.retryAt() + ", started " + started + ", asked " + asked);
    assertTrue(offline.describe().startsWith("offline (retrying at "), offline::describe);
  }

  @Test
  void conflictsAreHeardAsTheyAreRecorded() throws Exception {
    Space space = space(TestServer.config(dir, TestStorage.SQLITE));
    DeviceDatabase laptop = resources.keep(DeviceDatabase.encrypted(dir.resolve("laptop.db"), "correct horse"));
    DeviceDatabase phone = resources.keep(DeviceDatabase.encrypted(dir.resolve("phone.db"), "correct horse"));
    SyncClient laptopClient = client(laptop, space, space.laptop());
    SyncClient phoneClient = client(phone, space, space.phone());
    AtomicLong heard = new AtomicLong();
    for (SyncClient c : List.of(laptopClient, phoneClient)) {
      c.addListener(new SyncListener() {
        @Override
        public void conflictsRecorded(long conflicts) {
          heard.addAndGet(conflicts);
        }
      });
    }
    laptop.put("k", "original");
    laptopClient.syncNow();
    phoneClient.syncNow();
    laptop.put("k", "edited on the laptop");
    phone.put("k", "edited on the phone");
    laptopClient.syncNow();
    phoneClient.syncNow();
    laptopClient.syncNow();

    assertEquals(1, heard.get(), "one concurrent edit, heard once, by the side that holds the loser");
    SyncStatus holder = laptopClient.status().unresolvedConflicts() > 0 ? laptopClient.status() : phoneClient.status();
    assertEquals(1, holder.unresolvedConflicts(), holder::toString);
    assertTrue(holder.describe().endsWith("1 conflict waiting"), holder::describe);
    assertEquals(laptop.rows(), phone.rows());
  }
}
