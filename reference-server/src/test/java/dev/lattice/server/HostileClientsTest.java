package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.config.RateLimit;
import dev.lattice.server.config.ServerConfig;
import dev.lattice.sync.Resources;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.HttpTransport;
import dev.lattice.sync.transport.RawHttp;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.Ack;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.WireCodec;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients of a real server with the relay, each case a specification: what the attacker tries and
 * what the server and the honest devices do about it.
 *
 * <p>Covered elsewhere, so not repeated here: a revoked device is refused with 403 everywhere and its live socket
 * closed with 1008 ({@code AccountFlowTest.theOperatorCreatesASpaceDevicesJoinPairListAndRevoke},
 * {@code SyncThroughServerTest.encryptedDevicesStayLiveThroughTheRelayUntilOneIsRevoked}); a token of one space on
 * another space's account routes ({@code AccountFlowTest.aDeviceTokenOpensOnlyItsOwnSpace}); an envelope moved to
 * another cell or altered by a relay between two devices ({@code EncryptedSyncTest}); guessed tokens and invites
 * ({@code RefusalsTest.anAddressGuessingSecretsIs429}); five wrong pairing codes voiding the space's codes
 * ({@code RefusalsTest.wrongPairingCodesUseUpTheSpacesCodes}, {@code AccountsTest.fiveWrongGuessesVoidTheSpacesCodes});
 * a replayed push between two devices ({@code SyncSessionTest.aReplayedPushChangesNothing}).
 */
@Timeout(60)
class HostileClientsTest {
  private static final WireCodec CODEC = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
  private static final Changes NOTHING = new Changes(List.of(), List.of(), List.of(), false);

  @TempDir Path dir;
  @RegisterExtension final Resources resources = new Resources();
  private ServerConfig config;
  private LatticeServer server;
  private Api api;

  private void start(ServerConfig config) throws Exception {
    this.config = config;
    server = resources.keep(LatticeServer.startWithRelay(config));
    api = new Api(server.uri());
  }

  private DeviceDatabase device(String name, String passphrase) throws Exception {
    return resources.keep(DeviceDatabase.encrypted(dir.resolve(name + ".db"), passphrase));
  }

  private Transport transport(Api.Device device) {
    return new HttpTransport(URI.create(server.uri() + "/spaces/" + device.space()), HttpTransport.Options.defaults(),
        device.token());
  }

  private void sync(DeviceDatabase db, Api.Device device) throws Exception {
    SyncSession.run(db.store, transport(device), SyncOptions.DEFAULTS);
  }

  /** The space's vector and root as the relay states them: the ack of a push of nothing. */
  private Ack stateOf(Api.Device device) throws Exception {
    return (Ack) CODEC.decode(transport(device).exchange(CODEC.encode(NOTHING)));
  }

  private static void assertSameState(Ack before, Ack after) {
    assertEquals(before.vector().size(), after.vector().size(), "the space's vector");
    for (int i = 0; i < before.vector().size(); i++) {
      assertArrayEquals(before.vector().get(i).site(), after.vector().get(i).site());
      assertEquals(before.vector().get(i).seq(), after.vector().get(i).seq());
    }
    assertEquals(before.root().count(), after.root().count(), "the space's tree");
    assertArrayEquals(before.root().digest(), after.root().digest(), "the space's tree");
  }

  @Test
  void aReplayedPushIsAppliedAtMostOnceAndLeavesTheSpaceAsItWas() throws Exception {
    start(TestServer.config(dir));
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device laptopId = api.join(space, "laptop");
    Api.Device phoneId = api.pair(laptopId, "phone");
    DeviceDatabase laptop = device("laptop", "words").put("k", "v1");
    DeviceDatabase phone = device("phone", "words");
    List<byte[]> sent = new ArrayList<>();
    Transport honest = transport(laptopId);
    SyncSession.run(laptop.store, request -> {
      sent.add(request);
      return honest.exchange(request);
    }, SyncOptions.DEFAULTS);
    byte[] push = sent.stream().filter(r -> CODEC.decode(r) instanceof Changes c && !c.envelopes().isEmpty())
        .findFirst().orElseThrow();
    // Someone else writes the row since: the replay carries an older version of it.
    sync(phone, phoneId);
    phone.put("k", "v2");
    sync(phone, phoneId);
    Ack before = stateOf(phoneId);

    // Replayed by whoever saw it (the laptop itself, or anyone holding its token), twice.
    for (int i = 0; i < 2; i++) {
      Ack replayed = assertInstanceOf(Ack.class, CODEC.decode(honest.exchange(push)));
      assertEquals(0, replayed.applied(), "nothing of a replayed push is applied again");
      assertSameState(before, replayed);
    }

    sync(laptop, laptopId);
    assertEquals(List.of("k=v2"), laptop.rows(), "the newer write stands");
    assertEquals(List.of("k=v2"), phone.rows());
  }

  @Test
  void aTokenOfOneSpaceOpensNeitherTheSyncNorTheLiveNorThePairingOfAnother() throws Exception {
    start(TestServer.config(dir));
    Api.Device inA = api.join(api.createSpace(TestServer.ADMIN), "a");
    Api.Space spaceB = api.createSpace(TestServer.ADMIN);
    Api.Device inB = api.join(spaceB, "b");
    DeviceDatabase b = device("b", "space b").put("b", "mine");
    sync(b, inB);
    Ack before = stateOf(inB);
    Api.Device aPosingInB = new Api.Device(spaceB.id(), inA.id(), inA.token());
    DeviceDatabase intruder = device("intruder", "space b").put("x", "planted");

    for (String route : List.of("/sync", "/lattice/sync")) {
      Api.Reply reply = api.postBytes("/spaces/" + spaceB.id() + route, inA.token(), "application/cbor",
          CODEC.encode(NOTHING));
      assertEquals(401, reply.status(), reply.body());
      assertEquals("unauthorized", reply.error());
    }
    SyncException e = assertThrows(SyncException.class, () -> sync(intruder, aPosingInB));
    assertTrue(e.getMessage().contains("401"), e.getMessage());
    ExecutionException live = assertThrows(ExecutionException.class,
        () -> LiveClient.connect(server.uri(), spaceB.id(), inA.token()));
    assertEquals(401, assertInstanceOf(WebSocketHandshakeException.class, live.getCause()).getResponse()
        .statusCode());
    assertEquals(401, api.post("/spaces/" + spaceB.id() + "/pairing", inA.token(), null).status());

    assertSameState(before, stateOf(inB));
    assertEquals(List.of(inB.id()), api.deviceIds(inB), "no device got into space B");
  }

  /**
   * A device of space B (or the operator, who can write the relay's tables) plants envelopes the relay cannot check:
   * one sealed in space A, one of B's own moved to another cell. The relay stores them, having no key; every device
   * of B refuses the batch that carries them, and applies nothing of it.
   */
  @Test
  void anEnvelopeFromAnotherSpaceOrMovedToAnotherCellIsRefusedByTheDevicesAndNothingIsApplied() throws Exception {
    start(TestServer.config(dir));
    Api.Device aliceId = api.join(api.createSpace(TestServer.ADMIN), "alice in A");
    DeviceDatabase alice = device("alice", "space a").put("secret", "of space A");
    sync(alice, aliceId);
    Envelope fromA = alice.store.changesFor(List.of(), 100).envelopes().get(0);

    Api.Space spaceB = api.createSpace(TestServer.ADMIN);
    Api.Device bobId = api.join(spaceB, "bob");
    Api.Device malloryId = api.pair(bobId, "mallory");
    DeviceDatabase bob = device("bob", "space b").put("b1", "bob's").put("b2", "bob's too");
    sync(bob, bobId);
    Envelope ofB = bob.store.changesFor(List.of(), 100).envelopes().stream().filter(x -> x.kind() == Envelope.COLUMN)
        .findFirst().orElseThrow();
    byte[] cell = ofB.cell().clone();
    cell[0] ^= 1;
    Envelope moved = new Envelope(cell, ofB.row(), ofB.site(), ofB.seq(), ofB.hlc(), ofB.cl(), ofB.kind(),
        ofB.payload());

    for (Envelope planted : List.of(fromA, moved)) {
      Api.Device phoneId = api.pair(bobId, "phone");
      DeviceDatabase phone = device("phone-" + phoneId.id(), "space b");
      Ack stored = (Ack) CODEC.decode(transport(malloryId).exchange(CODEC.encode(
          new Changes(List.of(), List.of(), List.of(planted), false))));
      assertEquals(1, stored.applied(), "the relay, which holds no key, cannot tell");

      SyncException refused = assertThrows(SyncException.class, () -> sync(phone, phoneId));

      assertEquals("rejected", refused.code(), refused.getMessage());
      assertTrue(refused.getMessage().contains("nothing of the batch was applied"), refused.getMessage());
      // Bob's honest rows may have come in an earlier batch of the same sync; nothing else did.
      assertTrue(bob.rows().containsAll(phone.rows()), "only bob's own rows on the phone: " + phone.rows());
      String rootAfterRefusal = root(phone);
      assertThrows(SyncException.class, () -> sync(phone, phoneId), "refused again, every time");
      assertEquals(rootAfterRefusal, root(phone), "and nothing applied by trying again");
    }
  }

  @Test
  void guessingPairingCodesVoidsThemAfterFiveAndTheAddressIsSlowedWith429AndRetryAfter() throws Exception {
    start(TestServer.config(dir).withIpRate(new RateLimit(0.01, 8)));
    Api.Space space = api.createSpace(TestServer.ADMIN); // 1 of 8 from this address
    Api.Device laptop = api.join(space, "laptop"); // 2 of 8
    String code = api.post("/spaces/" + space.id() + "/pairing", laptop.token(), null).field("pairingCode");
    String join = "/spaces/" + space.id() + "/devices/join";

    for (int guess = 0; guess < 5; guess++) { // 3..7 of 8
      assertEquals(401, api.post(join, null, Map.of("pairingCode", "ZZZZ-ZZZ" + (guess + 2))).status());
    }
    Api.Reply voided = api.post(join, null, Map.of("pairingCode", code)); // 8 of 8
    assertEquals(401, voided.status(), "five wrong guesses voided every code of the space, the right one too");
    assertEquals("invalid_pairing_code", voided.error());
    Api.Reply limited = api.post(join, null, Map.of("pairingCode", code));
    assertEquals(429, limited.status(), limited.body());
    assertEquals("rate_limited", limited.error());
    long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1, "Retry-After: " + retryAfter);
  }

  @Test
  void pathTricksInSpaceAndDeviceNamesAreRefusedAndCreateNothingAnywhere() throws Exception {
    // Probing unknown spaces spends the address's budget: a generous one, so that every trick reaches its route.
    start(TestServer.config(dir).withIpRate(new RateLimit(1_000, 10_000)));
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device laptop = api.join(space, "laptop");
    Api.Space unjoined = api.createSpace(TestServer.ADMIN);
    DeviceDatabase db = device("laptop", "words").put("k", "v");
    sync(db, laptop);
    List<String> filesBefore = files(dir);
    RawHttp http = new RawHttp(server.uri(), 10_000);
    List<String> tricks = List.of("..", "%2e%2e", "%2E%2E", "..%2f..%2f..%2fetc%2fpasswd", "..%2fserver.db",
        "..%5c..%5cserver.db", "%00", "a%00b", "%2f", "server.db", "relay.db", "..%2f" + space.id(),
        space.id() + "%2f..", space.id() + "%00", "%C0%AE%C0%AE", "%252e%252e", "\u00e9%20x", "x".repeat(300),
        space.id() + "/..", "./" + space.id(), ".%2f" + space.id(), space.id().toUpperCase());
    List<String> answers = new ArrayList<>();

    for (String t : tricks) {
      String[][] requests = {
          {"POST", "/spaces/" + t + "/devices/join", null, "{\"invite\":\"" + unjoined.invite() + "\"}"},
          {"GET", "/spaces/" + t + "/devices", laptop.token(), null},
          {"POST", "/spaces/" + t + "/sync", laptop.token(), null},
          {"POST", "/spaces/" + t + "/lattice/sync", laptop.token(), null},
          {"POST", "/spaces/" + t + "/pairing", laptop.token(), null},
          {"DELETE", "/spaces/" + space.id() + "/devices/" + t, laptop.token(), null},
          {"DELETE", "/spaces/" + t + "/devices/" + laptop.id(), TestServer.ADMIN, null},
          {"POST", "/admin/spaces/" + t + "/invite", TestServer.ADMIN, null},
      };
      for (String[] r : requests) {
        List<String> headers = new ArrayList<>();
        if (r[2] != null) {
          headers.add("Authorization: Bearer " + r[2]);
        }
        byte[] body = r[3] != null ? r[3].getBytes(StandardCharsets.UTF_8)
            : r[1].endsWith("sync") ? CODEC.encode(NOTHING) : new byte[0];
        headers.add("Content-Type: " + (r[1].endsWith("sync") ? "application/cbor" : "application/json"));
        headers.add("Content-Length: " + body.length);
        RawHttp.Response response = http.send(http.head(r[0], r[1].getBytes(StandardCharsets.UTF_8),
            headers.toArray(String[]::new)), body);
        answers.add(response.status() + " " + r[0] + " " + r[1]);
        assertTrue(Stream.of(400, 401, 404, 405).anyMatch(s -> s == response.status()),
            r[0] + " " + r[1] + " -> " + response.status() + " " + response.text());
        assertTrue(response.header("Content-Type").startsWith("application/json"), response.text());
      }
    }

    // Nothing was created: no file anywhere under the test's directory, no space in the relay, no device anywhere,
    // and the invite tried on the tricked paths is still unused.
    assertEquals(filesBefore, files(dir), "no file created, in the data directory or outside it");
    assertEquals(List.of(space.id()), relaySpaces(), "only the space that synced is in the relay");
    assertEquals(List.of(laptop.id()), api.deviceIds(laptop));
    assertFalse(answers.isEmpty());
    api.join(unjoined, "first device of the other space");
  }

  /** Every regular file under {@code root} but the databases' write-ahead logs, which come and go. */
  private static List<String> files(Path root) throws Exception {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
          .filter(n -> !n.endsWith("-wal") && !n.endsWith("-shm") && !n.endsWith("-journal")).sorted().toList();
    }
  }

  private List<String> relaySpaces() throws Exception {
    List<String> spaces = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + config.dataDir().resolve("relay.db")
        + "?mode=ro");
        ResultSet r = c.createStatement().executeQuery("SELECT space FROM relay_spaces ORDER BY space")) {
      while (r.next()) {
        spaces.add(r.getString(1));
      }
    }
    return spaces;
  }

  private static String root(DeviceDatabase device) throws Exception {
    var root = device.store.root();
    return root.count() + "/" + java.util.HexFormat.of().formatHex(root.digest());
  }
}
