package dev.lattice.sync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Addresses and labels, which need no peer to check (the exchanges themselves are tested in lattice-sync-server). */
class EndpointsTest {
  @Test
  void aBasePathIsKept() {
    assertEquals(URI.create("http://h:1/prefix/lattice/sync"),
        Endpoints.resolve(URI.create("http://h:1/prefix/"), Endpoints.SYNC));
    assertEquals(URI.create("ws://h:1/lattice/live"), Endpoints.live(URI.create("http://h:1")));
    assertEquals(URI.create("wss://h/p/lattice/live"), Endpoints.live(URI.create("https://h/p")));
    assertThrows(IllegalArgumentException.class, () -> new HttpTransport(URI.create("ftp://h:1")));
  }

  @Test
  void cborIsRecognizedWhateverItsCaseAndParameters() {
    assertTrue(Endpoints.isCbor("application/cbor"));
    assertTrue(Endpoints.isCbor("APPLICATION/CBOR; charset=binary"));
    assertFalse(Endpoints.isCbor(null));
    assertFalse(Endpoints.isCbor("application/json"));
  }
}
