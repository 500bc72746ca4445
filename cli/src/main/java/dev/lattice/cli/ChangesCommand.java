package dev.lattice.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.core.Hlc;
import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeStream;
import dev.lattice.driver.Replica;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code lattice changes}: the cell versions a peer would receive, as {@link Replica#changesSince} streams them. For
 * seeing what sync will carry, and for debugging a merge: each line is one cell with the version that won it.
 */
@Command(name = "changes", mixinStandardHelpOptions = true,
    description = {"List current cell versions (table, key, column, value, site, seq, hlc, causal length) that a peer"
        + " holding the given vector lacks; all of them without --since."})
final class ChangesCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "the database file")
  Path database;

  @Option(names = "--since", paramLabel = "<site>=<seq>",
      description = "a peer's vector entry: 32 hex digits of a site id, = its sequence number (repeatable)")
  Map<String, Long> since = new TreeMap<>();

  @Option(names = "--table", paramLabel = "<table>", description = "only this table's cells")
  String table;

  @Option(names = "--limit", paramLabel = "<n>", description = "at most n cells (default: all)")
  long limit = Long.MAX_VALUE;

  @Option(names = "--json", description = "a JSON array of objects instead of tab-separated lines")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (limit < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 0, was " + limit);
    }
    VersionVector vector = vector();
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = Databases.openReplica(database)) {
      Replica replica = Replica.of(c);
      if (table != null && !replica.trackedTables().contains(table)) {
        throw new CommandFailure("table " + table + " is not tracked in " + database + "; tracked: "
            + replica.trackedTables());
      }
      try (ChangeStream changes = replica.changesSince(vector)) {
        if (json) {
          printJson(out, changes);
        } else {
          long n = 0;
          for (Change change; n < limit && (change = changes.next()) != null; ) {
            if (table == null || table.equals(change.table())) {
              out.println(String.join("\t", change.table(), text(change.pk()),
                  change.column() == null ? "<row>" : change.column(), text(change.value()), change.site().toString(),
                  Long.toString(change.seq()), Hlc.toString(change.hlc()), Long.toString(change.cl())));
              n++;
            }
          }
        }
      }
    }
    out.flush();
    return 0;
  }

  private void printJson(PrintWriter out, ChangeStream changes) throws Exception {
    try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartArray();
      long n = 0;
      for (Change change; n < limit && (change = changes.next()) != null; ) {
        if (table != null && !table.equals(change.table())) {
          continue;
        }
        g.writeStartObject();
        g.writeStringField("table", change.table());
        g.writeFieldName("key");
        writeValue(g, change.pk());
        g.writeStringField("column", change.column());
        g.writeFieldName("value");
        writeValue(g, change.value());
        g.writeStringField("site", change.site().toString());
        g.writeNumberField("seq", change.seq());
        g.writeNumberField("hlc", change.hlc());
        g.writeStringField("time", Instant.ofEpochMilli(Hlc.millis(change.hlc())).toString());
        g.writeNumberField("cl", change.cl());
        g.writeEndObject();
        n++;
      }
      g.writeEndArray();
    }
    out.println();
  }

  /** SQLite's types kept apart: numbers as numbers, text as strings, a BLOB as {"blob": "<hex>"}. */
  private static void writeValue(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof Long l) {
      g.writeNumber(l);
    } else if (value instanceof Double d) {
      g.writeNumber(d);
    } else if (value instanceof byte[] b) {
      g.writeStartObject();
      g.writeStringField("blob", HexFormat.of().formatHex(b));
      g.writeEndObject();
    } else {
      g.writeString(value.toString());
    }
  }

  /** As SQL would write it: NULL, numbers bare, text as is, a BLOB as x'hex'. */
  private static String text(Object value) {
    if (value == null) {
      return "NULL";
    }
    return value instanceof byte[] b ? "x'" + HexFormat.of().formatHex(b) + "'" : value.toString();
  }

  private VersionVector vector() {
    List<String> bad = new ArrayList<>();
    Map<SiteId, Long> entries = new TreeMap<>();
    since.forEach((site, seq) -> {
      try {
        entries.put(SiteId.fromHex(site), seq);
      } catch (IllegalArgumentException e) {
        bad.add(site);
      }
    });
    if (!bad.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--since takes <site>=<seq> with a site id of 32"
          + " hex digits (lattice status shows them); not a site id: " + String.join(", ", bad));
    }
    return VersionVector.of(entries);
  }
}
