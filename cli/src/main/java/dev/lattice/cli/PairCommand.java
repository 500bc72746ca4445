package dev.lattice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.sync.join.JoinedDevice;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lattice pair}: a joined device asks the server for a pairing code that lets one more device join its space,
 * and shows it with its QR code.
 */
@Command(name = "pair", mixinStandardHelpOptions = true,
    description = "Ask the server for a pairing code (single use, 10 minutes) for a new device of this database's"
        + " space, and show it with a QR code.")
final class PairCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "a database joined to the space (lattice join)")
  Path database;

  @Option(names = "--qr", paramLabel = "<file.png>", description = "also write the QR code to this PNG file")
  Path png;

  @Override
  public Integer call() throws Exception {
    JoinedDevice device = JoinedDatabase.require(database);
    ServerApi api = new ServerApi(device.server());
    JsonNode reply;
    try {
      reply = api.post("/spaces/" + device.spaceId() + "/pairing", device.token(), null);
    } catch (ServerApi.Refused e) {
      throw DeviceRefusals.explain(e, database);
    }
    if (!reply.hasNonNull("pairingCode")) {
      throw new CommandFailure(api.server() + " answered without a pairing code: is it a Lattice server?");
    }
    JoinSecret code = new JoinSecret(device.spaceId(), reply.get("pairingCode").asText());
    String link = code.link(api.server(), JoinSecret.Kind.CODE);
    if (png != null) {
      Qr.png(link, png);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Pairing code (one device, once; expires " + reply.path("expiresAt").asText("in 10 minutes") + "): "
        + code.text());
    out.println("On the new device: lattice join <db> " + api.server() + " --code " + code.text());
    out.print(Qr.terminal(link));
    if (png != null) {
      out.println("QR code written to " + png);
    }
    out.flush();
    return 0;
  }
}
