package dev.lattice.sync.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.Message;
import dev.lattice.sync.wire.Welcome;
import dev.lattice.sync.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end encryption through the protocol: payloads sealed under the space key with their metadata as associated
 * data, keyed cell ids, and a wrong key or a tampered envelope caught before anything is applied.
 */
class EncryptedSyncTest {
  private static final WireCodec CODEC = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
  private static final String MARKER = "plaintext-marker-7f3a";

  @TempDir Path dir;
  private final List<Device> devices = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Device d : devices) {
      d.close();
    }
  }

  private Device encrypted(String name, String passphrase) throws Exception {
    Device d = Device.encrypted(dir, name, passphrase);
    devices.add(d);
    return d;
  }

  private Device plain(String name) throws Exception {
    Device d = Device.create(dir, name);
    devices.add(d);
    return d;
  }

  @Test
  void devicesOfOneSpaceConvergeAndNothingOnTheWireIsReadable() throws Exception {
    Device laptop = encrypted("laptop.db", "correct horse battery staple")
        .exec("INSERT INTO t VALUES ('a', ?, NULL, NULL, 1)", MARKER);
    Device phone = encrypted("phone.db", "correct horse battery staple")
        .exec("INSERT INTO t VALUES ('b', ?, NULL, NULL, 2)", MARKER + "-phone");
    RecordingTransport wire = new RecordingTransport(phone.to(laptop));
    List<byte[]> replies = new ArrayList<>();

    SyncSession.run(phone.store, request -> {
      byte[] reply = wire.exchange(request);
      replies.add(reply);
      return reply;
    }, SyncOptions.DEFAULTS);

    assertEquals(laptop.rows(), phone.rows());
    assertEquals(laptop.root(), phone.root());
    for (byte[] message : concat(wire.requests, replies)) {
      String text = new String(message, StandardCharsets.ISO_8859_1);
      assertFalse(text.contains(MARKER), "a value crossed the wire in the clear");
    }
  }

  @Test
  void aNewDeviceAdoptsTheSpaceParametersFromItsFirstPeer() throws Exception {
    Device first = encrypted("first.db", "s3cret words").exec("INSERT INTO t VALUES ('a', 1, NULL, NULL, 0)");
    Device newcomer = encrypted("new.db", "s3cret words");

    SyncReport report = newcomer.syncWith(first);

    assertEquals(2, report.roundTrips(), "one hello to learn the parameters, one to sync");
    assertEquals(first.rows(), newcomer.rows());
    assertEquals(1, newcomer.syncWith(first).roundTrips(), "the parameters are kept");
  }

  @Test
  void identicalEncryptedDevicesAgreeInOneRoundTripUnder512Bytes() throws Exception {
    Device first = encrypted("first.db", "words").exec("INSERT INTO t VALUES ('a', 1, NULL, NULL, 0)");
    Device second = encrypted("second.db", "words").exec("INSERT INTO t VALUES ('b', 1, NULL, NULL, 0)");
    second.syncWith(first);

    SyncReport again = second.syncWith(first);

    assertEquals(1, again.roundTrips());
    assertTrue(again.bytesSent() + again.bytesReceived() < 512, "hello and welcome, both with key checks: " + again);
  }

  @Test
  void aWrongPassphraseIsReportedAsSuchAndNothingIsApplied() throws Exception {
    Device first = encrypted("first.db", "the right words").exec("INSERT INTO t VALUES ('a', 1, NULL, NULL, 0)");
    Device intruder = encrypted("wrong.db", "the wrong words");

    SyncException e = assertThrows(SyncException.class, () -> intruder.syncWith(first));

    assertEquals("key", e.code());
    assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
    assertEquals(List.of(), intruder.rows());
  }

  @Test
  void aKnownKeyThatDiffersIsRefusedByTheResponderToo() throws Exception {
    Device a = encrypted("a.db", "words one").exec("INSERT INTO t VALUES ('a', 1, NULL, NULL, 0)");
    Device b = encrypted("b.db", "words two").exec("INSERT INTO t VALUES ('b', 1, NULL, NULL, 0)");
    a.store.keyInfo(true);
    b.store.keyInfo(true); // both made their space with the same (test) salt but another passphrase

    SyncException e = assertThrows(SyncException.class, () -> b.syncWith(a));

    assertEquals("key", e.code());
    assertEquals(List.of("a|1|NULL|NULL|0"), a.rows(), "the responder applied nothing either");
  }

  @Test
  void encryptionOnOneSideOnlyIsRefusedEitherWay() throws Exception {
    Device secret = encrypted("secret.db", "words").exec("INSERT INTO t VALUES ('a', 1, NULL, NULL, 0)");
    Device open = plain("open.db").exec("INSERT INTO t VALUES ('b', 1, NULL, NULL, 0)");

    SyncException asked = assertThrows(SyncException.class, () -> open.syncWith(secret));
    SyncException asking = assertThrows(SyncException.class, () -> secret.syncWith(open));

    assertEquals("key", asked.code());
    assertTrue(asked.getMessage().contains("encrypted"), asked.getMessage());
    assertEquals("key", asking.code());
    assertEquals(List.of("b|1|NULL|NULL|0"), open.rows());
    assertEquals(List.of("a|1|NULL|NULL|0"), secret.rows());
  }

  @Test
  void aTamperedPayloadFailsTheWholeBatch() throws Exception {
    assertTamperingIsRefused(e -> {
      byte[] payload = e.payload().clone();
      payload[payload.length / 2] ^= 1;
      return new Envelope(e.cell(), e.row(), e.site(), e.seq(), e.hlc(), e.cl(), e.kind(), payload);
    });
  }

  @Test
  void alteredMetadataIsCaughtByTheSeal() throws Exception {
    assertTamperingIsRefused(e -> new Envelope(e.cell(), e.row(), e.site(), e.seq(), e.hlc() + 1, e.cl(), e.kind(),
        e.payload()));
  }

  @Test
  void anEnvelopeMovedToAnotherCellIsCaught() throws Exception {
    assertTamperingIsRefused(e -> {
      byte[] cell = e.cell().clone();
      cell[0] ^= 1;
      return new Envelope(cell, e.row(), e.site(), e.seq(), e.hlc(), e.cl(), e.kind(), e.payload());
    });
  }

  /** A relay alters the last envelope of the welcome's batch: the whole batch is refused, the asker unchanged. */
  private void assertTamperingIsRefused(UnaryOperator<Envelope> tamper) throws Exception {
    Device laptop = encrypted("laptop.db", "words");
    for (int i = 0; i < 20; i++) {
      laptop.exec("INSERT INTO t VALUES (?, 'v', NULL, NULL, 0)", "k" + i);
    }
    Device phone = encrypted("phone.db", "words");
    phone.syncWith(laptop); // learn the parameters
    laptop.exec("INSERT INTO t VALUES ('new', 'w', NULL, NULL, 0)").exec("UPDATE t SET a = 'x'");
    String before = phone.root();
    Transport honest = phone.to(laptop);
    Transport relay = request -> {
      Message reply = CODEC.decode(honest.exchange(request));
      if (reply instanceof Welcome w && w.changes() != null && !w.changes().envelopes().isEmpty()) {
        List<Envelope> envelopes = new ArrayList<>(w.changes().envelopes());
        envelopes.set(envelopes.size() - 1, tamper.apply(envelopes.get(envelopes.size() - 1)));
        Changes altered = new Changes(w.changes().senderVector(), w.changes().covers(), envelopes,
            w.changes().more());
        reply = new Welcome(w.protocol(), w.site(), w.schema(), w.vector(), w.root(), w.key(), altered);
      }
      return CODEC.encode(reply);
    };

    SyncException e = assertThrows(SyncException.class, () -> SyncSession.run(phone.store, relay,
        SyncOptions.DEFAULTS));

    assertEquals("rejected", e.code());
    assertTrue(e.getMessage().contains("nothing of the batch was applied"), e.getMessage());
    assertEquals(before, phone.root(), "the phone is exactly as it was");
    phone.syncWith(laptop);
    assertEquals(laptop.rows(), phone.rows(), "an honest sync afterwards completes");
  }

  @Test
  void aTamperedPushIsRefusedByTheResponderWhichStaysAsItWas() throws Exception {
    Device laptop = encrypted("laptop.db", "words").exec("INSERT INTO t VALUES ('l', 'v', NULL, NULL, 0)");
    Device phone = encrypted("phone.db", "words");
    phone.syncWith(laptop);
    phone.exec("INSERT INTO t VALUES ('p1', 'a', NULL, NULL, 0)");
    String before = laptop.root();
    Transport honest = phone.to(laptop);
    Transport relay = request -> {
      if (CODEC.decode(request) instanceof Changes c && !c.envelopes().isEmpty()) {
        List<Envelope> envelopes = new ArrayList<>(c.envelopes());
        Envelope e = envelopes.get(0);
        envelopes.set(0, new Envelope(e.cell(), e.row(), e.site(), e.seq() + 1, e.hlc(), e.cl(), e.kind(),
            e.payload()));
        request = CODEC.encode(new Changes(c.senderVector(), c.covers(), envelopes, c.more()));
      }
      return honest.exchange(request);
    };

    SyncException e = assertThrows(SyncException.class, () -> SyncSession.run(phone.store, relay,
        SyncOptions.DEFAULTS));

    assertEquals("rejected", e.code());
    assertEquals(before, laptop.root());
    assertEquals(List.of("l|'v'|NULL|NULL|0"), laptop.rows());
  }

  @Test
  void cellIdsAreKeyedSoAnotherSpaceCannotRecogniseThem() throws Exception {
    Device a = encrypted("a.db", "space one").exec("INSERT INTO t VALUES ('same', 1, NULL, NULL, NULL)");
    Device b = plain("b.db").exec("INSERT INTO t VALUES ('same', 1, NULL, NULL, NULL)");
    a.store.keyInfo(true);

    Envelope ea = a.store.changesFor(List.of(), 10).envelopes().get(0);
    Envelope eb = b.store.changesFor(List.of(), 10).envelopes().get(0);

    assertNotEquals(java.util.HexFormat.of().formatHex(ea.cell()), java.util.HexFormat.of().formatHex(eb.cell()));
    assertArrayEquals(eb.cell(), eb.row(), "a row cell's id is its row's id");
  }

  private static List<byte[]> concat(List<byte[]> a, List<byte[]> b) {
    List<byte[]> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
