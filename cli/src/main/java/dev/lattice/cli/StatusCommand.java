package dev.lattice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeStream;
import dev.lattice.driver.Replica;
import dev.lattice.merkle.NodeSummary;
import dev.lattice.sync.store.SyncHistory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code lattice status}: what a replica holds and how far it is in step with its peers, read from the file alone (no
 * network, no passphrase), so that it answers "did my last sync get everything out?" even offline. The last sync and
 * the pending writes come from the sync history ({@link SyncHistory}) that completed syncs leave in the database.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show a replica's site id, tracked tables and rows, cells, version vector, tree root, stable point, local writes"
        + " no peer has acknowledged, conflicts, and the last sync."})
final class StatusCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "the database file")
  Path database;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> status = new LinkedHashMap<>();
    try (Connection c = Databases.openReplica(database)) {
      Replica replica = Replica.of(c);
      SiteId self = replica.siteId();
      Map<String, Long> tables = new LinkedHashMap<>();
      for (String table : replica.trackedTables()) {
        tables.put(table, Databases.rowCount(c, table));
      }
      VersionVector vector = replica.versionVector();
      NodeSummary root = replica.merkleRoot();
      List<SyncHistory.Peer> peers = SyncHistory.read(c);
      long acked = peers.stream().mapToLong(SyncHistory.Peer::ackedSeq).max().orElse(0);

      status.put("database", database.toString());
      status.put("siteId", self.toString());
      status.put("tables", tables);
      status.put("cells", root.count());
      Map<String, Long> entries = new TreeMap<>();
      vector.entries().forEach((site, seq) -> entries.put(site.toString(), seq));
      status.put("versionVector", entries);
      status.put("treeRoot", HexFormat.of().formatHex(root.digest().bytes()));
      Map<String, Long> stable = new TreeMap<>();
      replica.stablePoint().entries().forEach((site, seq) -> stable.put(site.toString(), seq));
      status.put("stablePoint", stable);
      status.put("pendingLocalWrites", pendingWrites(replica, self, vector, acked));
      status.put("conflicts", replica.conflicts().size());
      if (peers.isEmpty()) {
        status.put("lastSync", null);
      } else {
        SyncHistory.Peer last = peers.get(0);
        Map<String, Object> lastSync = new LinkedHashMap<>();
        lastSync.put("at", last.syncedAt().toString());
        lastSync.put("peer", last.peer());
        lastSync.put("peerSite", HexFormat.of().formatHex(last.peerSite()));
        lastSync.put("ackedSeq", last.ackedSeq());
        status.put("lastSync", lastSync);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status));
    } else {
      printText(out, status);
    }
    out.flush();
    return 0;
  }

  /**
   * This site's writes whose current versions no peer acknowledged: those numbered above the highest entry any peer
   * held for this site when a sync ended. Superseded writes are not counted (they will never be sent).
   */
  private static long pendingWrites(Replica replica, SiteId self, VersionVector vector, long acked) throws Exception {
    Map<SiteId, Long> everythingButOurs = new TreeMap<>(vector.entries());
    everythingButOurs.put(self, acked);
    Set<Long> writes = new HashSet<>();
    try (ChangeStream changes = replica.changesSince(VersionVector.of(everythingButOurs))) {
      for (Change change; (change = changes.next()) != null; ) {
        if (change.site().equals(self)) {
          writes.add(change.seq());
        }
      }
    }
    return writes.size();
  }

  @SuppressWarnings("unchecked")
  private static void printText(PrintWriter out, Map<String, Object> status) {
    out.println("database      " + status.get("database"));
    out.println("site id       " + status.get("siteId"));
    Map<String, Long> tables = (Map<String, Long>) status.get("tables");
    out.println(tables.isEmpty() ? "tables        none tracked" : "tables");
    tables.forEach((table, rows) -> out.println("  " + table + ": " + rows + " row(s)"));
    out.println("cells         " + status.get("cells"));
    Map<String, Long> vector = (Map<String, Long>) status.get("versionVector");
    out.println("version vector" + (vector.isEmpty() ? " empty" : ""));
    vector.forEach((site, seq) -> out.println("  " + site + ": " + seq
        + (site.equals(status.get("siteId")) ? " (this replica)" : "")));
    out.println("tree root     " + status.get("treeRoot"));
    Map<String, Long> stable = (Map<String, Long>) status.get("stablePoint");
    out.println("stable point" + (stable.isEmpty() ? "  none learned yet (tombstones are kept until the server finds one)"
        : " (every device holds this; tombstones at or below it are dropped)"));
    stable.forEach((site, seq) -> out.println("  " + site + ": " + seq));
    out.println("pending       " + status.get("pendingLocalWrites") + " local write(s) no peer has acknowledged");
    out.println("conflicts     " + status.get("conflicts")
        + ((Integer) status.get("conflicts") > 0 ? " (lattice conflicts <db> lists them)" : ""));
    Map<String, Object> last = (Map<String, Object>) status.get("lastSync");
    out.println("last sync     " + (last == null ? "never"
        : last.get("at") + " with " + last.get("peer") + " (it held this replica's writes up to "
            + last.get("ackedSeq") + ")"));
  }
}
