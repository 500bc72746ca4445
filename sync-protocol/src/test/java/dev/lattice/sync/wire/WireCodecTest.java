package dev.lattice.sync.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Messages round-trip through CBOR and JSON; anything malformed, truncated or oversized is refused by name. */
class WireCodecTest {
  private static final WireCodec CBOR = WireCodec.cbor(1 << 20);
  private static final WireCodec JSON = WireCodec.json(1 << 20);

  private static byte[] bytes(int n, int fill) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) fill);
    return b;
  }

  private static Changes changes() {
    Envelope e = new Envelope(bytes(16, 1), bytes(16, 2), bytes(16, 3), 7, 123456789L, 1, Envelope.COLUMN,
        "payload".getBytes(StandardCharsets.UTF_8));
    return new Changes(List.of(new VectorEntry(bytes(16, 3), 7)), List.of(), List.of(e), true);
  }

  @Test
  void aBatchRoundTripsThroughCborAndJson() {
    for (WireCodec codec : List.of(CBOR, JSON)) {
      Changes back = (Changes) codec.decode(codec.encode(changes()));
      Envelope e = back.envelopes().get(0);
      assertArrayEquals(bytes(16, 1), e.cell());
      assertEquals(123456789L, e.hlc());
      assertEquals("payload", new String(e.payload(), StandardCharsets.UTF_8));
      assertTrue(back.more());
      assertEquals(7, back.senderVector().get(0).seq());
    }
  }

  @Test
  void jsonIsReadableForDebugging() {
    String json = new String(JSON.encode(new Failure("schema", "they differ", null)), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"type\":\"failure\"") && json.contains("they differ"), json);
  }

  @Test
  void anEnvelopeCostsLittleBeyondItsIdsAndPayload() {
    Changes one = changes();
    Changes two = new Changes(one.senderVector(), one.covers(), List.of(one.envelopes().get(0),
        one.envelopes().get(0)), true);
    int perEnvelope = CBOR.encode(two).length - CBOR.encode(one).length;
    assertTrue(perEnvelope <= 3 * 17 + 8 + 20, "an envelope is an array, not a map of field names: " + perEnvelope
        + " bytes for 48 bytes of ids and a 7-byte payload");
  }

  @Test
  void truncatedInputIsRefusedAtEveryLength() {
    byte[] whole = CBOR.encode(changes());
    for (int n = 0; n < whole.length; n++) {
      byte[] cut = Arrays.copyOf(whole, n);
      assertThrows(WireException.class, () -> CBOR.decode(cut), "cut at " + n);
    }
  }

  @Test
  void oversizedInputIsRefusedBeforeItIsParsed() {
    WireCodec small = WireCodec.cbor(64);
    WireException e = assertThrows(WireException.class, () -> small.decode(new byte[65]));
    assertTrue(e.getMessage().contains("exceeds the limit of 64 bytes"), e.getMessage());
    assertThrows(WireException.class, () -> small.encode(changes()), "nor is one sent");
  }

  @Test
  void unknownKindsFieldsAndTrailingBytesAreRefused() {
    assertRefused("{\"type\":\"gossip\"}", "gossip");
    assertRefused("{\"type\":\"failure\",\"code\":\"x\",\"message\":\"m\",\"detail\":null,\"extra\":1}", "extra");
    assertRefused("{\"type\":\"failure\",\"code\":\"x\",\"message\":\"m\",\"detail\":null} {}", "");
    assertRefused("{\"type\":\"ack\",\"vector\":[],\"applied\":1}", "root");
    assertRefused("{\"type\":\"pull\",\"vector\":[],\"maxCells\":\"many\",\"maxBytes\":1}", "");
    assertRefused("{\"type\":\"pull\",\"vector\":[],\"maxCells\":-1,\"maxBytes\":1}", "maxCells");
  }

  @Test
  void fieldsOutOfRangeAreNamed() {
    String badSite = "{\"type\":\"subscribe\",\"vector\":[[\"AAEC\",1]]}";
    WireException e = assertThrows(WireException.class, () -> JSON.decode(badSite.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("vector site must be 16 bytes"), e.getMessage());
  }

  @Test
  void aRequestForNumbersOutOfRangeIsRefusedByName() {
    assertRefused("{\"type\":\"allocate\",\"asks\":[{\"counter\":\"dA==\",\"highest\":-1,\"count\":1}]}",
        "highest must not be negative");
    assertRefused("{\"type\":\"allocate\",\"asks\":[{\"counter\":\"dA==\",\"highest\":0,\"count\":16777217}]}",
        "count must be at most 16777216");
    assertRefused("{\"type\":\"allocate\",\"asks\":[{\"counter\":\"\",\"highest\":0,\"count\":1}]}",
        "counter must be 1 to 1024 bytes");
    assertRefused("{\"type\":\"allocate\",\"asks\":[{\"counter\":\"dA==\",\"highest\":0,\"count\":1},"
        + "{\"counter\":\"dA==\",\"highest\":5,\"count\":1}]}", "asks names one counter twice");
    assertRefused("{\"type\":\"allocated\",\"first\":[0],\"source\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}",
        "first[0] must be positive");
  }

  @Test
  void aNullDocumentIsNoMessage() {
    assertThrows(WireException.class, () -> CBOR.decode(new byte[] {(byte) 0xf6}));
    assertThrows(WireException.class, () -> JSON.decode("null".getBytes(StandardCharsets.UTF_8)));
  }

  @Property(tries = 2000)
  void arbitraryBytesAreDecodedOrRefusedNeverThrowingAnythingElse(@ForAll byte[] input) {
    try {
      assertInstanceOf(Message.class, CBOR.decode(input));
    } catch (WireException expected) {
      // refused with a reason: the contract
    }
  }

  private static void assertRefused(String json, String mentioned) {
    WireException e = assertThrows(WireException.class, () -> JSON.decode(json.getBytes(StandardCharsets.UTF_8)),
        json);
    assertTrue(e.getMessage().contains(mentioned), e.getMessage());
  }
}
