package dev.lattice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.sync.join.JoinedDevice;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lattice devices}: the devices of a joined database's space, this one marked. */
@Command(name = "devices", mixinStandardHelpOptions = true,
    description = "List the devices of this database's space: id, name, when they joined, whether revoked.")
final class DevicesCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "a database joined to the space (lattice join)")
  Path database;

  @Override
  public Integer call() throws Exception {
    JoinedDevice device = JoinedDatabase.require(database);
    JsonNode reply;
    try {
      reply = new ServerApi(device.server()).get("/spaces/" + device.spaceId() + "/devices", device.token());
    } catch (ServerApi.Refused e) {
      throw DeviceRefusals.explain(e, database);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Space " + device.spaceId() + " on " + device.server() + ":");
    for (JsonNode d : reply.path("devices")) {
      String id = d.path("deviceId").asText();
      out.printf("  %-24s %-20s joined %s%s%s%n", id, d.path("name").asText(""), d.path("joinedAt").asText(),
          d.path("revoked").asBoolean() ? ", revoked " + d.path("revokedAt").asText() : "",
          id.equals(device.deviceId()) ? "  (this device)" : "");
    }
    out.flush();
    return 0;
  }
}
