package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.config.ServerConfig;
import dev.lattice.sync.Resources;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.SyncStatus;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.HttpTransport;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Subscribe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Real device databases syncing through a real server: one-shot over HTTP, and live over WebSockets. */
@Timeout(30)
class SyncThroughServerTest {
  @TempDir Path dir;
  @RegisterExtension final Resources resources = new Resources();

  /** Where the server keeps its data; {@code Postgres...Test} runs these tests on PostgreSQL. */
  TestStorage storage() {
    return TestStorage.SQLITE;
  }

  /** The base address sync-protocol's clients take for a space on the server. */
  private static URI spaceBase(TestServer server, String spaceId) {
    return URI.create(server.uri() + "/spaces/" + spaceId);
  }

  @Test
  void twoDevicesSyncThroughTheirSpaceAndConverge() throws Exception {
    TestServer server = resources.keep(TestServer.start(dir, storage()));
    Api.Space space = server.api.createSpace(TestServer.ADMIN);
    Api.Device laptopId = server.api.join(space, "laptop");
    Api.Device phoneId = server.api.pair(laptopId, "phone");
    DeviceDatabase laptop = resources.keep(DeviceDatabase.create(dir.resolve("laptop.db")));
    DeviceDatabase phone = resources.keep(DeviceDatabase.create(dir.resolve("phone.db")));
    // One through sync-protocol's own client, one straight at /spaces/{space}/sync: both paths serve the protocol.
    Transport toServerFromLaptop = new HttpTransport(spaceBase(server, space.id()), HttpTransport.Options.defaults(),
        laptopId.token());
    Transport toServerFromPhone = postingTo(server.uri().resolve("/spaces/" + space.id() + "/sync"), phoneId.token());

    laptop.put("a1", "from the laptop").put("a2", "also from the laptop");
    phone.put("b1", "from the phone").put("a2", "the phone's word on a2");
    SyncSession.run(laptop.store, toServerFromLaptop, SyncOptions.DEFAULTS);
    SyncSession.run(phone.store, toServerFromPhone, SyncOptions.DEFAULTS);
    SyncSession.run(laptop.store, toServerFromLaptop, SyncOptions.DEFAULTS);

    List<String> rows = laptop.rows();
    assertEquals(3, rows.size(), rows.toString());
    assertEquals(rows, phone.rows());
    assertEquals(rows, server.spaceDatabase(space.id()).rows(), "the space holds what its devices hold");
    assertTrue(rows.contains("a1=from the laptop") && rows.contains("b1=from the phone"), rows.toString());
  }

  @Test
  void aLiveConnectionHearsWhatAnotherDeviceSyncs() throws Exception {
    TestServer server = resources.keep(TestServer.start(dir, storage()));
    Api.Space space = server.api.createSpace(TestServer.ADMIN);
    Api.Device laptopId = server.api.join(space, "laptop");
    Api.Device phoneId = server.api.pair(laptopId, "phone");
    DeviceDatabase laptop = resources.keep(DeviceDatabase.create(dir.resolve("laptop.db")));

    LiveClient phoneLive = resources.keep(LiveClient.connect(server.uri(), space.id(), phoneId.token()));
    assertInstanceOf(Subscribe.class, phoneLive.next(), "the space opens with its vector");
    phoneLive.send(new Subscribe(List.of())); // the phone holds nothing yet

    laptop.put("k", "pushed live");
    SyncSession.run(laptop.store, new HttpTransport(spaceBase(server, space.id()), HttpTransport.Options.defaults(),
        laptopId.token()), SyncOptions.DEFAULTS);

    Changes pushed = assertInstanceOf(Changes.class, phoneLive.next());
    assertFalse(pushed.envelopes().isEmpty(), "the laptop's row reaches the live phone without being asked for");
  }

  @Test
  void encryptedDevicesStayLiveThroughTheRelayUntilOneIsRevoked() throws Exception {
    ServerConfig config = TestServer.config(dir, storage());
    LatticeServer relayServer = resources.keep(LatticeServer.startWithRelay(config));
    Api api = new Api(relayServer.uri());
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device laptopId = api.join(space, "laptop");
    Api.Device phoneId = api.pair(laptopId, "phone");
    URI base = URI.create(relayServer.uri() + "/spaces/" + space.id());
    DeviceDatabase laptop = resources.keep(DeviceDatabase.encrypted(dir.resolve("laptop.db"), "correct horse"));
    DeviceDatabase phone = resources.keep(DeviceDatabase.encrypted(dir.resolve("phone.db"), "correct horse"));
    SyncClient laptopClient = resources.keep(client(laptop, base, laptopId.token()));
    SyncClient phoneClient = resources.keep(client(phone, base, phoneId.token()));
    for (SyncClient client : List.of(laptopClient, phoneClient)) { // the first makes the space's key
      client.syncNow();
      client.start();
    }
    Eventually.await(() -> laptopClient.status().state() == SyncStatus.State.LIVE
        && phoneClient.status().state() == SyncStatus.State.LIVE, "both devices live");

    laptop.put("secret-row", "plaintext-marker-7f3a");
    Eventually.await(() -> phone.rows().equals(List.of("secret-row=plaintext-marker-7f3a")), "the row on the phone");
    String stored = storage().storedBytes(config);
    assertTrue(stored.contains(space.id()), "the scan reads what the server stored");
    assertFalse(stored.contains("plaintext-marker-7f3a"),
        "the server's files (databases and their logs) hold sealed envelopes only");

    assertEquals(204, api.delete("/spaces/" + space.id() + "/devices/" + phoneId.id(), laptopId.token()).status());
    Eventually.await(() -> phoneClient.status().state() != SyncStatus.State.LIVE,
        "the revoked phone is no longer live");
    laptop.put("after", "the phone must not see this");
    Thread.sleep(300);
    assertEquals(List.of("secret-row=plaintext-marker-7f3a"), phone.rows());
  }

  private static SyncClient client(DeviceDatabase device, URI base, String token) {
    return SyncClient.builder(device.store, base).bearerToken(token)
        .retry(Duration.ofMillis(100), Duration.ofMillis(500)).build();
  }

  /** A transport that posts to {@code endpoint} with a bearer token, for the server's own sync path. */
  private static Transport postingTo(URI endpoint, String token) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return request -> {
      HttpResponse<byte[]> response;
      try {
        response = http.send(HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/cbor")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      if (response.statusCode() != 200) {
        throw new IOException("the server answered " + response.statusCode());
      }
      return response.body();
    };
  }

}
