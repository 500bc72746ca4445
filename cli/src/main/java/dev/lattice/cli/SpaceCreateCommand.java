package dev.lattice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lattice space create}: the operator makes a space and gets its one-time invite, printed with the command the
 * first device runs and a QR code carrying the server, space and invite. The admin token comes from a variable, never
 * a flag.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = {"Create a space on a server and print its invite (single use) for the first device's lattice join,"
        + " with a QR code.", "The admin token comes from LATTICE_ADMIN_TOKEN (the server printed it at first start)."})
final class SpaceCreateCommand implements Callable<Integer> {
  static final String ADMIN_TOKEN_VARIABLE = "LATTICE_ADMIN_TOKEN";
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  SpaceCommand space;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--server", required = true, paramLabel = "<url>", description = "the server, e.g."
      + " http://127.0.0.1:7420")
  URI server;

  @Option(names = "--name", paramLabel = "<name>", description = "the space's name, for the operator")
  String name;

  @Option(names = "--qr", paramLabel = "<file.png>", description = "also write the QR code to this PNG file")
  Path png;

  @Override
  public Integer call() throws Exception {
    Lattice lattice = (Lattice) spec.root().userObject();
    String admin = lattice.variable(ADMIN_TOKEN_VARIABLE);
    if (admin == null || admin.isBlank()) {
      throw new CommandFailure("no admin token: set " + ADMIN_TOKEN_VARIABLE + " to the token the server printed at"
          + " its first start");
    }
    ServerApi api = new ServerApi(server);
    JsonNode reply;
    try {
      reply = api.post("/admin/spaces", admin, JSON.writeValueAsString(JSON.createObjectNode().put("name", name)));
    } catch (ServerApi.Refused e) {
      if (e.kind() == ServerApi.Failure.REFUSED_SECRET) {
        throw new CommandFailure("the server refused the admin token: set " + ADMIN_TOKEN_VARIABLE + " to the token"
            + " it printed at its first start (or its --admin-token)");
      }
      throw e;
    }
    if (!reply.hasNonNull("spaceId") || !reply.hasNonNull("inviteToken")) {
      throw new CommandFailure(api.server() + " answered without a space and invite: is it a Lattice server?");
    }
    JoinSecret invite = new JoinSecret(reply.get("spaceId").asText(), reply.get("inviteToken").asText());
    String link = invite.link(api.server(), JoinSecret.Kind.INVITE);
    if (png != null) {
      Qr.png(link, png);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Space " + invite.space() + " created on " + api.server() + ".");
    out.println("Invite (one device, once; expires " + reply.path("inviteExpiresAt").asText("later") + "): "
        + invite.text());
    out.println("On the first device: lattice join <db> " + api.server() + " --invite " + invite.text());
    out.print(Qr.terminal(link));
    if (png != null) {
      out.println("QR code written to " + png);
    }
    out.flush();
    return 0;
  }
}
