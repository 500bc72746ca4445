package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.sync.wire.Subscribe;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Spaces and devices through a real server: create, join, pair, list, revoke, and what a revoked device meets. */
@Timeout(30)
class AccountFlowTest {
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
  void theOperatorCreatesASpaceDevicesJoinPairListAndRevoke() throws Exception {
    server = TestServer.start(dir, storage());
    Api api = server.api;

    // The operator creates a space: an id and a one-time invite.
    Api.Reply created = api.post("/admin/spaces", TestServer.ADMIN, Map.of("name", "family"));
    assertEquals(201, created.status(), created.body());
    String space = created.field("spaceId");
    String invite = created.field("inviteToken");
    assertNotNull(created.field("inviteExpiresAt"));
    assertTrue(invite.matches("[A-Za-z0-9_-]{43}"), "256 bits, base64url: " + invite.length());

    // The first device joins with it, and the invite is used up.
    Api.Reply first = api.post("/spaces/" + space + "/devices/join", null, Map.of("invite", invite, "name", "laptop"));
    assertEquals(201, first.status(), first.body());
    assertEquals(space, first.field("spaceId"));
    String laptop = first.field("deviceId");
    String laptopToken = first.field("deviceToken");
    Api.Reply reused = api.post("/spaces/" + space + "/devices/join", null, Map.of("invite", invite));
    assertEquals(401, reused.status());
    assertEquals("invalid_invite", reused.error());

    // A later device joins with a pairing code that the first device asked for; the code is used up too.
    Api.Reply pairing = api.post("/spaces/" + space + "/pairing", laptopToken, null);
    assertEquals(201, pairing.status(), pairing.body());
    String code = pairing.field("pairingCode");
    assertTrue(code.matches("[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}"), code);
    String typed = code.replace("-", " ").toLowerCase(Locale.ROOT); // as a person might type it
    Api.Reply second = api.post("/spaces/" + space + "/devices/join", null,
        Map.of("pairingCode", typed, "name", "phone"));
    assertEquals(201, second.status(), second.body());
    String phone = second.field("deviceId");
    String phoneToken = second.field("deviceToken");
    Api.Reply codeReused = api.post("/spaces/" + space + "/devices/join", null, Map.of("pairingCode", code));
    assertEquals(401, codeReused.status());
    assertEquals("invalid_pairing_code", codeReused.error());

    // Either device lists both.
    Api.Reply listed = api.get("/spaces/" + space + "/devices", phoneToken);
    assertEquals(200, listed.status(), listed.body());
    JsonNode devices = listed.json().get("devices");
    assertEquals(2, devices.size());
    assertEquals(laptop, devices.get(0).get("deviceId").asText());
    assertEquals("laptop", devices.get(0).get("name").asText());
    assertEquals(phone, devices.get(1).get("deviceId").asText());
    assertFalse(devices.get(1).get("revoked").asBoolean());

    // The laptop is live when the phone revokes it: its connection is closed at once.
    try (LiveClient live = LiveClient.connect(server.uri(), space, laptopToken)) {
      assertInstanceOf(Subscribe.class, live.next(), "the space's live session opens with subscribe");
      assertEquals(204, api.delete("/spaces/" + space + "/devices/" + laptop, phoneToken).status());
      LiveClient.Closed closed = live.awaitClose();
      assertEquals(1008, closed.status());
      assertEquals("device revoked", closed.reason());
    }

    // From then on the laptop is refused everywhere, with 403.
    Api.Reply refused = api.get("/spaces/" + space + "/devices", laptopToken);
    assertEquals(403, refused.status());
    assertEquals("revoked", refused.error());
    assertEquals(403, api.postBytes("/spaces/" + space + "/sync", laptopToken, "application/cbor", new byte[] {1})
        .status());
    assertEquals(403, api.post("/spaces/" + space + "/pairing", laptopToken, null).status());
    ExecutionException upgrade = assertThrows(ExecutionException.class,
        () -> LiveClient.connect(server.uri(), space, laptopToken));
    WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, upgrade.getCause());
    assertEquals(403, handshake.getResponse().statusCode());

    // The listing shows it revoked; revoking it again changes nothing.
    JsonNode after = api.get("/spaces/" + space + "/devices", phoneToken).json().get("devices");
    assertTrue(after.get(0).get("revoked").asBoolean());
    assertNotNull(after.get(0).get("revokedAt").asText());
    assertTrue(after.get(1).get("revokedAt").isNull());
    assertEquals(204, api.delete("/spaces/" + space + "/devices/" + laptop, phoneToken).status());

    // The operator may revoke any device too.
    assertEquals(204, api.delete("/spaces/" + space + "/devices/" + phone, TestServer.ADMIN).status());
    assertEquals(403, api.get("/spaces/" + space + "/devices", phoneToken).status());
  }

  @Test
  void aRevokedDevicesPairingCodesDieWithIt() throws Exception {
    server = TestServer.start(dir, storage());
    Api api = server.api;
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device laptop = api.join(space, "laptop");
    Api.Device phone = api.pair(laptop, "phone");
    String code = api.post("/spaces/" + space.id() + "/pairing", laptop.token(), null).field("pairingCode");

    assertEquals(204, api.delete("/spaces/" + space.id() + "/devices/" + laptop.id(), phone.token()).status());

    Api.Reply join = api.post("/spaces/" + space.id() + "/devices/join", null, Map.of("pairingCode", code));
    assertEquals(401, join.status(), "a code made by a revoked device must not let anyone in");
    assertEquals(List.of(laptop.id(), phone.id()), api.deviceIds(phone));
  }

  @Test
  void theOperatorCanReplaceALostInvite() throws Exception {
    server = TestServer.start(dir, storage());
    Api api = server.api;
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Reply renewed = api.post("/admin/spaces/" + space.id() + "/invite", TestServer.ADMIN, null);
    assertEquals(201, renewed.status(), renewed.body());

    Api.Reply old = api.post("/spaces/" + space.id() + "/devices/join", null, Map.of("invite", space.invite()));
    assertEquals(401, old.status(), "the replaced invite no longer works");
    Api.Device device = api.join(new Api.Space(space.id(), renewed.field("inviteToken")), "laptop");
    assertEquals(List.of(device.id()), api.deviceIds(device));
    assertEquals(404, api.post("/admin/spaces/nope/invite", TestServer.ADMIN, null).status());
  }

  @Test
  void aDeviceTokenOpensOnlyItsOwnSpace() throws Exception {
    server = TestServer.start(dir, storage());
    Api api = server.api;
    Api.Device inA = api.join(api.createSpace(TestServer.ADMIN), "a");
    Api.Device inB = api.join(api.createSpace(TestServer.ADMIN), "b");

    Api.Reply crossed = api.get("/spaces/" + inB.space() + "/devices", inA.token());
    assertEquals(401, crossed.status());
    assertEquals("unauthorized", crossed.error());
    assertEquals(List.of(inB.id()), api.deviceIds(inB));
    // Nor may a device of one space revoke a device of another.
    assertEquals(401, api.delete("/spaces/" + inB.space() + "/devices/" + inB.id(), inA.token()).status());
    assertNull(api.get("/spaces/" + inB.space() + "/devices", inB.token()).json().get("devices").get(0)
        .get("revokedAt").textValue());
  }
}
