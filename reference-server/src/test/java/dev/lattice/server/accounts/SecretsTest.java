package dev.lattice.server.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server's identifiers are safe to type into a command line, and as random as their length allows. */
class SecretsTest {
  @Test
  void anIdNeverStartsWithADash_soACommandNeverTakesItForAnOption() {
    // One base64url id in 64 started with '-' before; 20,000 draws would hold ~300 of them.
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String id = Secrets.newId();
      assertFalse(id.startsWith("-"), id);
      assertEquals(22, id.length(), id);
      assertTrue(id.matches("[A-Za-z0-9_-]+"), id);
      ids.add(id);
    }
    assertEquals(20_000, ids.size(), "no id twice");
    assertTrue(ids.stream().anyMatch(id -> id.indexOf('-') > 0), "'-' is still used inside an id");
  }
}
