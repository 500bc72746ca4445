package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.HttpTransport;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What operators see: health, metrics, the OpenAPI document, and logs that never hold a secret. */
@Timeout(30)
class OperationsTest {
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

  @Test
  void healthSaysOkWhileTheStorageAnswersAnd503Otherwise() throws Exception {
    server = TestServer.start(dir, storage());
    Api.Reply ok = server.api.get("/health", null);
    assertEquals(200, ok.status());
    Map<String, String> expected = new LinkedHashMap<>(Map.of("status", "ok", "storage", "ok", "relay", "ok"));
    if (storage() == TestStorage.POSTGRES) {
      expected.put("feed", "ok"); // it hears the other instances
    }
    assertEquals(expected, Api.JSON.convertValue(ok.json(), Map.class));

    server.server.database().close(); // the storage goes away under the running server
    Api.Reply down = server.api.get("/health", null);
    assertEquals(503, down.status());
    assertEquals("unavailable", down.field("status"));
    assertEquals("unreachable", down.field("storage"));
    Api.Reply refused = server.api.post("/admin/spaces", TestServer.ADMIN, null);
    assertEquals(503, refused.status(), refused.body());
    assertEquals("unavailable", refused.error());
  }

  @Test
  void metricsCountRequestsByRouteAndStatusTimeSyncsAndCountLiveConnections() throws Exception {
    server = TestServer.start(dir, storage());
    Api api = server.api;
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device device = api.join(space, "laptop");
    DeviceDatabase laptop = DeviceDatabase.create(dir.resolve("laptop.db"));
    try (laptop; LiveClient live = LiveClient.connect(server.uri(), space.id(), device.token())) {
      laptop.put("k", "v");
      SyncSession.run(laptop.store, new HttpTransport(URI.create(server.uri() + "/spaces/" + space.id()),
          HttpTransport.Options.defaults(), device.token()), SyncOptions.DEFAULTS);
      api.get("/spaces/" + space.id() + "/devices", "wrong.token");
      live.next(); // open: the server has counted it

      String metrics = api.get("/metrics", null).body();
      assertTrue(metrics.contains("lattice_http_requests_seconds_count{method=\"POST\",route=\"/admin/spaces\","
          + "status=\"201\"} 1"), metrics);
      assertTrue(metrics.contains("lattice_http_requests_seconds_count{method=\"GET\","
          + "route=\"/spaces/{space}/devices\",status=\"401\"} 1"), metrics);
      assertTrue(metrics.contains("route=\"/spaces/{space}/lattice/sync\",status=\"200\"}"), metrics);
      assertTrue(metrics.contains("lattice_sync_requests_seconds_bucket{outcome=\"ok\""), metrics);
      assertTrue(metrics.matches("(?s).*lattice_sync_requests_seconds_count\\{outcome=\"ok\"} [1-9].*"), metrics);
      assertTrue(metrics.contains("lattice_live_connections 1.0"), metrics);
      assertTrue(metrics.contains("lattice_errors_total{where=\"http\"} 0.0"), metrics);
      assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);
      // Templates, never ids; and no secret of any kind.
      for (String secret : List.of(space.id(), space.invite(), device.id(), device.token(), TestServer.ADMIN)) {
        assertFalse(metrics.contains(secret), "the metrics hold " + secret);
      }
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!server.api.get("/metrics", null).body().contains("lattice_live_connections 0.0")) {
      assertTrue(System.nanoTime() < deadline, "a closed connection is still counted");
      Thread.sleep(10);
    }
  }

  @Test
  void healthChecksTheRelaysStorageAndMetricsCountTheChangesItStored() throws Exception {
    LatticeServer relayServer = LatticeServer.startWithRelay(TestServer.config(dir, storage()));
    try (relayServer; DeviceDatabase laptop = DeviceDatabase.create(dir.resolve("laptop.db"))) {
      Api api = new Api(relayServer.uri());
      Api.Device device = api.join(api.createSpace(TestServer.ADMIN), "laptop");
      assertTrue(api.get("/metrics", null).body().contains("lattice_changes_stored_total 0.0"));
      laptop.put("a", "metrics-marker-51d0").put("b", "two");
      HttpTransport toServer = new HttpTransport(URI.create(relayServer.uri() + "/spaces/" + device.space()),
          HttpTransport.Options.defaults(), device.token());
      SyncSession.run(laptop.store, toServer, SyncOptions.DEFAULTS);
      SyncSession.run(laptop.store, toServer, SyncOptions.DEFAULTS); // nothing new: nothing more stored

      String metrics = api.get("/metrics", null).body();
      // Two rows of one column each: two row cells and two column cells.
      assertTrue(metrics.contains("lattice_changes_stored_total 4.0"), metrics);
      assertFalse(metrics.contains("metrics-marker-51d0"), "counts, never contents");
      Api.Reply ok = api.get("/health", null);
      assertEquals(200, ok.status(), ok.body());
      assertEquals("ok", ok.field("relay"));

      relayServer.syncs().close(); // the relay's storage goes away (on PostgreSQL its tables stay, but not its pool)
      if (storage() == TestStorage.POSTGRES) {
        relayServer.database().close(); // one pool serves both
      }
      Api.Reply down = api.get("/health", null);
      assertEquals(503, down.status(), down.body());
      assertEquals("unreachable", down.field("relay"));
    }
  }

  @Test
  void logsAreOneJsonObjectALineAndHoldNoSecret() throws Exception {
    List<String> secrets = new ArrayList<>(List.of(TestServer.ADMIN));
    List<String> lines;
    try (LogCapture log = new LogCapture()) {
      server = TestServer.start(dir, storage());
      Api api = server.api;
      Api.Space space = api.createSpace(TestServer.ADMIN);
      Api.Device laptop = api.join(space, "laptop");
      Api.Reply code = api.post("/spaces/" + space.id() + "/pairing", laptop.token(), null);
      Api.Device phone = api.pair(laptop, "phone");
      secrets.addAll(List.of(space.invite(), laptop.token(), phone.token(), code.field("pairingCode")));
      api.post("/spaces/" + space.id() + "/devices/join", null, Map.of("invite", space.invite())); // refused
      DeviceDatabase device = DeviceDatabase.create(dir.resolve("laptop.db"));
      try (device) {
        device.put("k", "payload-marker-91c2");
        SyncSession.run(device.store, new HttpTransport(URI.create(server.uri() + "/spaces/" + space.id()),
            HttpTransport.Options.defaults(), laptop.token()), SyncOptions.DEFAULTS);
      }
      try (LiveClient live = LiveClient.connect(server.uri(), space.id(), phone.token())) {
        live.next();
      }
      api.delete("/spaces/" + space.id() + "/devices/" + laptop.id(), phone.token());
      assertThrows(ExecutionException.class, () -> LiveClient.connect(server.uri(), space.id(), laptop.token()));
      server.close();
      lines = log.lines();
    }

    List<JsonNode> requests = new ArrayList<>();
    for (String line : lines) {
      JsonNode json = Api.JSON.readTree(line); // every line is JSON
      assertTrue(json.has("time") && json.has("level") && json.has("message"), line);
      if (json.get("message").asText().equals("request")) {
        requests.add(json);
      }
      for (String secret : secrets) {
        assertFalse(line.contains(secret), "a log line holds a secret: " + line);
      }
      assertFalse(line.contains("payload-marker-91c2"), "a log line holds a payload: " + line);
    }
    JsonNode sync = requests.stream().filter(r -> r.get("route").asText().endsWith("/sync")).findFirst()
        .orElseThrow(() -> new AssertionError("no sync request logged: " + lines));
    assertEquals(200, sync.get("status").asInt());
    assertTrue(sync.get("durationMs").isNumber());
    assertTrue(sync.hasNonNull("space") && sync.hasNonNull("device"), sync.toString());
    assertTrue(requests.stream().anyMatch(r -> r.get("status").asInt() == 401
        && r.get("error").asText().equals("invalid_invite")), requests.toString());
    assertTrue(requests.stream().anyMatch(r -> r.get("route").asText().equals("/spaces/{space}/live")
        && r.get("status").asInt() == 403 && r.get("error").asText().equals("revoked")),
        "a refused live connection is logged: " + requests);
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"live connection closed\"")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"device revoked\"")), lines.toString());
  }

  @Test
  void theOpenApiDocumentIsServed() throws Exception {
    server = TestServer.start(dir, storage());
    Api.Reply reply = server.api.get("/openapi.json", null);
    assertEquals(200, reply.status());
    assertEquals("3.0.3", reply.field("openapi"));
    // Every route it describes is served (the live WebSockets answer upgrades only, and are tested as such).
    Api.Space space = server.api.createSpace(TestServer.ADMIN);
    for (Map.Entry<String, JsonNode> path : reply.json().get("paths").properties()) {
      if (path.getKey().endsWith("/live")) {
        continue;
      }
      String concrete = path.getKey().replace("{space}", space.id()).replace("{device}", "some-device");
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next();
        Api.Reply answer = switch (method) {
          case "get" -> server.api.get(concrete, null);
          case "post" -> server.api.post(concrete, null, null);
          case "delete" -> server.api.delete(concrete, null);
          default -> throw new AssertionError(method);
        };
        assertFalse(answer.status() == 404 && "not_found".equals(answer.error()) || answer.status() == 405,
            method + " " + path.getKey() + " is not served: " + answer.body());
      }
    }
  }
}
