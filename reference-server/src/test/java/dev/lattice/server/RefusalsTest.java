package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.config.RateLimit;
import dev.lattice.sync.transport.LiveHandler;
import dev.lattice.sync.transport.RequestHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a request is refused: the status, the JSON error body, and that nothing changed. The sync tests send
 * a real protocol byte or two: the server must refuse before the protocol sees them.
 */
@Timeout(30)
class RefusalsTest {
  private static final byte[] CBOR = {(byte) 0xa0}; // an empty CBOR map: reaching the protocol would be a mistake

  @TempDir Path dir;
  private TestServer server;

  /** Where the server keeps its data; {@code Postgres...Test} runs these tests on PostgreSQL. */
  TestStorage storage() {
    return TestStorage.SQLITE;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void assertError(Api.Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.body());
    assertEquals(code, reply.error(), reply.body());
    assertNotNull(reply.field("message"));
    assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    assertFalse(reply.body().contains("Exception") || reply.body().contains("\tat "), "no stack trace: " + reply.body());
  }

  @Test
  void aMissingOrWrongTokenIs401AndTouchesNothing() throws Exception {
    server = TestServer.start(dir, storage());
    Api api = server.api;
    Api.Device device = api.join(api.createSpace(TestServer.ADMIN), "laptop");
    String sync = "/spaces/" + device.space() + "/sync";
    String wrongSecret = device.id() + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    for (String token : new String[] {null, "", "nonsense", wrongSecret, device.id(), TestServer.ADMIN}) {
      Api.Reply reply = api.postBytes(sync, token, "application/cbor", CBOR);
      assertError(reply, 401, "unauthorized");
      assertEquals("Bearer", reply.headers().firstValue("WWW-Authenticate").orElse(null));
    }
    assertError(api.get("/spaces/" + device.space() + "/devices", wrongSecret), 401, "unauthorized");
    // The admin routes want the admin token, not a device's.
    assertError(api.post("/admin/spaces", device.token(), null), 401, "unauthorized");
    assertError(api.post("/admin/spaces", null, null), 401, "unauthorized");
    assertEquals(0, server.protocolRequests(), "no refused request reached the protocol");
    assertEquals(List.of(device.id()), api.deviceIds(device));
  }

  @Test
  void anUnknownSpaceDeviceOrRouteIs404() throws Exception {
    server = TestServer.start(dir, storage());
    Api api = server.api;
    Api.Device device = api.join(api.createSpace(TestServer.ADMIN), "laptop");

    assertError(api.postBytes("/spaces/no-such-space/sync", device.token(), "application/cbor", CBOR), 404,
        "unknown_space");
    assertError(api.get("/spaces/no-such-space/devices", device.token()), 404, "unknown_space");
    assertError(api.post("/spaces/no-such-space/devices/join", null, Map.of("invite", "x")), 404, "unknown_space");
    assertError(api.delete("/spaces/" + device.space() + "/devices/no-such-device", device.token()), 404,
        "unknown_device");
    assertError(api.get("/no/such/route", null), 404, "not_found");
    assertError(api.delete("/admin/spaces", TestServer.ADMIN), 405, "method_not_allowed");
  }

  @Test
  void anOversizedBodyIs413BeforeTheProtocolSeesIt() throws Exception {
    server = TestServer.start(dir, storage(), c -> c.withMaxBodyBytes(2048));
    Api api = server.api;
    Api.Device device = api.join(api.createSpace(TestServer.ADMIN), "laptop");

    Api.Reply reply = api.postBytes("/spaces/" + device.space() + "/sync", device.token(), "application/cbor",
        new byte[2049]);
    assertError(reply, 413, "too_large");
    assertTrue(reply.field("message").contains("2048"), reply.body());
    // Account routes take a few short fields: a large JSON body is refused the same way.
    String big = "{\"name\":\"" + "x".repeat(20_000) + "\"}";
    assertError(api.postBytes("/admin/spaces", TestServer.ADMIN, "application/json",
        big.getBytes(StandardCharsets.UTF_8)), 413, "too_large");
    assertEquals(0, server.protocolRequests());
  }

  @Test
  void aBodyOfTheWrongTypeIs415AndABadOneIs400() throws Exception {
    server = TestServer.start(dir, storage());
    Api api = server.api;
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device device = api.join(space, "laptop");
    String join = "/spaces/" + space.id() + "/devices/join";

    assertError(api.postBytes("/spaces/" + space.id() + "/sync", device.token(), "application/json", CBOR), 415,
        "unsupported_media_type");
    assertError(api.postBytes("/spaces/" + space.id() + "/sync", device.token(), null, CBOR), 415,
        "unsupported_media_type");
    assertError(api.postBytes("/spaces/" + space.id() + "/sync", device.token(), "application/cbor", new byte[0]),
        400, "bad_request");
    assertError(api.postBytes(join, null, "text/plain", "{}".getBytes(StandardCharsets.UTF_8)), 415,
        "unsupported_media_type");
    assertError(api.postBytes(join, null, "application/json", "{".getBytes(StandardCharsets.UTF_8)), 400,
        "bad_request");
    Api.Reply unknownField = api.post(join, null, Map.of("invitation", "x"));
    assertError(unknownField, 400, "bad_request");
    assertTrue(unknownField.field("message").contains("invitation"), unknownField.body());
    assertError(api.post(join, null, Map.of("invite", "x", "pairingCode", "y")), 400, "bad_request");
    assertError(api.post(join, null, Map.of("name", "no credential")), 400, "bad_request");
    assertError(api.post(join, null, Map.of("pairingCode", "ABCD-EFGH", "name", "n".repeat(101))), 400,
        "bad_request");
    assertEquals(0, server.protocolRequests());
    assertEquals(List.of(device.id()), api.deviceIds(device));
  }

  @Test
  void aDeviceOverItsRateIs429WithRetryAfterAndOthersAreNotSlowed() throws Exception {
    server = TestServer.start(dir, storage(), c -> c.withDeviceRate(new RateLimit(0.01, 3)));
    Api api = server.api;
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device busy = api.join(space, "busy");
    Api.Reply code = api.post("/spaces/" + space.id() + "/pairing", busy.token(), null); // 1 of 3
    Api.Device calm = api.pair(busy, "calm"); // 2 of 3
    assertEquals(201, code.status());

    assertEquals(200, api.get("/spaces/" + space.id() + "/devices", busy.token()).status()); // 3 of 3
    Api.Reply limited = api.get("/spaces/" + space.id() + "/devices", busy.token());
    assertError(limited, 429, "rate_limited");
    long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1, "Retry-After: " + retryAfter);
    assertError(api.postBytes("/spaces/" + space.id() + "/sync", busy.token(), "application/cbor", CBOR), 429,
        "rate_limited");

    assertEquals(200, api.get("/spaces/" + space.id() + "/devices", calm.token()).status());
    assertEquals(0, server.protocolRequests());
  }

  @Test
  void anAddressGuessingSecretsIs429() throws Exception {
    server = TestServer.start(dir, storage(), c -> c.withIpRate(new RateLimit(0.01, 4)));
    Api api = server.api;
    Api.Space space = api.createSpace(TestServer.ADMIN); // 1 of 4
    String join = "/spaces/" + space.id() + "/devices/join";

    assertError(api.post(join, null, Map.of("invite", "guess-1")), 401, "invalid_invite"); // 2 of 4
    assertError(api.post(join, null, Map.of("invite", "guess-2")), 401, "invalid_invite"); // 3 of 4
    assertError(api.get("/spaces/" + space.id() + "/devices", "guessed.token"), 401, "unauthorized"); // 4 of 4
    // Spent: even the right invite waits, and so does any token from this address.
    assertError(api.post(join, null, Map.of("invite", space.invite())), 429, "rate_limited");
    assertError(api.get("/spaces/" + space.id() + "/devices", "guessed.token"), 429, "rate_limited");
    assertError(api.post("/admin/spaces", TestServer.ADMIN, null), 429, "rate_limited");
  }

  @Test
  void wrongPairingCodesUseUpTheSpacesCodes() throws Exception {
    server = TestServer.start(dir, storage());
    Api api = server.api;
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device laptop = api.join(space, "laptop");
    String code = api.post("/spaces/" + space.id() + "/pairing", laptop.token(), null).field("pairingCode");
    String join = "/spaces/" + space.id() + "/devices/join";

    for (int guess = 0; guess < 5; guess++) {
      assertError(api.post(join, null, Map.of("pairingCode", "2222-222" + (guess + 2))), 401,
          "invalid_pairing_code");
    }
    assertError(api.post(join, null, Map.of("pairingCode", code)), 401, "invalid_pairing_code");
    assertEquals(List.of(laptop.id()), api.deviceIds(laptop), "no device got in");
    // A fresh code works again.
    api.pair(laptop, "phone");
  }

  @Test
  void aFailingSpaceIs500WithAShortMessageAndTheDetailsLogged() throws Exception {
    SpaceSyncs failing = new SpaceSyncs() {
      @Override
      public RequestHandler handler(String spaceId) {
        return request -> {
          throw new IllegalStateException("disk on fire at sector 7");
        };
      }

      @Override
      public LiveHandler live(String spaceId, String deviceId) {
        throw new IllegalStateException("no live today");
      }

      @Override
      public void close() {}
    };
    server = TestServer.start(TestServer.config(dir, storage()), failing);
    Api api = server.api;
    Api.Device device = api.join(api.createSpace(TestServer.ADMIN), "laptop");

    try (LogCapture log = new LogCapture()) {
      Api.Reply reply = api.postBytes("/spaces/" + device.space() + "/sync", device.token(), "application/cbor", CBOR);
      assertError(reply, 500, "internal");
      assertFalse(reply.body().contains("disk on fire"), "details stay in the log: " + reply.body());
      assertTrue(log.text().contains("disk on fire at sector 7"), log.text());

      try (LiveClient live = LiveClient.connect(server.uri(), device.space(), device.token())) {
        assertEquals(1011, live.awaitClose().status());
      }
    }
    String metrics = api.get("/metrics", null).body();
    assertTrue(metrics.contains("lattice_errors_total{where=\"http\"} 1.0"), metrics);
    assertTrue(metrics.contains("lattice_errors_total{where=\"live\"} 1.0"), metrics);
  }
}
