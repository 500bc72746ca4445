package dev.lattice.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.sync.SyncException.Kind;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The words a failure's kind goes by on the wire, which peers of other versions read. */
class SyncExceptionTest {
  @Test void eachKindGoesByItsLowercaseWord() {
    assertEquals(List.of("protocol", "schema", "key", "malformed", "rejected", "reconcile", "unavailable", "refused",
        "internal"), Arrays.stream(Kind.values()).map(Kind::code).toList());
    for (Kind kind : Kind.values()) {
      assertEquals(kind, Kind.of(kind.code()));
      assertEquals(kind.code(), new SyncException(kind, "m").code());
    }
  }

  /** A newer peer's word this version does not know. */
  @Test void anUnknownWordIsInternal() {
    assertEquals(Kind.INTERNAL, Kind.of("throttled"));
  }
}
