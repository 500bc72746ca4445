package dev.lattice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.sync.join.JoinedDevice;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code lattice revoke}: a device of the space revokes another (a lost phone): the server refuses its token from then
 * on and closes its live connections at once.
 */
@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = "Revoke a device of this database's space (by its id from lattice devices): it can no longer sync.")
final class RevokeCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "a database joined to the space (lattice join)")
  Path database;

  @Parameters(index = "1", paramLabel = "<device>", description = "the device's id, from lattice devices")
  String target;

  @Override
  public Integer call() throws Exception {
    JoinedDevice device = JoinedDatabase.require(database);
    if (target.equals(device.deviceId())) {
      throw new CommandFailure(target + " is this device: revoke it from another device of the space, or delete "
          + dev.lattice.sync.join.CredentialsFile.of(database) + " to stop syncing here");
    }
    ServerApi api = new ServerApi(device.server());
    String devices = "/spaces/" + device.spaceId() + "/devices";
    try {
      JsonNode listed = null;
      for (JsonNode d : api.get(devices, device.token()).path("devices")) {
        if (d.path("deviceId").asText().equals(target)) {
          listed = d;
        }
      }
      if (listed == null) {
        throw new CommandFailure("the space has no device " + target + ": see lattice devices " + database);
      }
      if (listed.path("revoked").asBoolean()) {
        throw new CommandFailure("device " + target + " was revoked already, at " + listed.path("revokedAt").asText());
      }
      api.delete(devices + "/" + target, device.token());
    } catch (ServerApi.Refused e) {
      throw DeviceRefusals.explain(e, database);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Revoked device " + target + " from space " + device.spaceId() + ": it can no longer sync.");
    out.flush();
    return 0;
  }
}
