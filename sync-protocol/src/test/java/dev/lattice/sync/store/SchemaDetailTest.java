package dev.lattice.sync.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.lattice.driver.TrackOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema description a replica shows its peers, and how a numbered table appears in it. */
class SchemaDetailTest {
  @TempDir Path dir;

  private ReplicaStore store(String name, boolean customersNumbered) throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve(name);
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT)");
      s.execute("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)");
    }
    ReplicaStore store = ReplicaStore.open(url, Encryption.off());
    store.replica().track("notes");
    store.replica().track("customers", customersNumbered ? TrackOptions.DEFAULT.numberedForSync()
        : TrackOptions.DEFAULT);
    return store;
  }

  @Test
  void aTableThatIsNotNumbered_isDescribedAsBeforeNumbering_soEarlierPeersReadIt() throws Exception {
    try (ReplicaStore store = store("a.db", true)) {
      JsonNode tables = new CBORMapper().readTree(store.schemaDetail()).get("schema").get("tables");
      assertFalse(tables.get("notes").has("numbered"), tables.toString());
      assertTrue(tables.get("customers").get("numbered").asBoolean(), tables.toString());
    }
  }

  @Test
  void peersThatNumberATableDifferently_areToldSo_andEqualOnesAgree() throws Exception {
    try (ReplicaStore numbered = store("a.db", true); ReplicaStore alike = store("b.db", true);
        ReplicaStore plain = store("c.db", false)) {
      assertEquals(List.of(), numbered.schemaDifferences(alike.schemaDetail()));
      List<String> differences = numbered.schemaDifferences(plain.schemaDetail());
      assertEquals(1, differences.size(), differences.toString());
      assertTrue(differences.get(0).contains("customers is (key id; name; numbered) here but (key id; name) on the peer"),
          differences.get(0));
    }
  }
}
