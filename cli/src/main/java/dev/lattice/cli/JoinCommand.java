package dev.lattice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.driver.Replica;
import dev.lattice.sync.join.CredentialsFile;
import dev.lattice.sync.join.JoinedDevice;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lattice join}: makes a database a device of a space on a reference server, with the space's invite (the first
 * device) or a pairing code (later ones), and stores the device's credentials beside it ({@link CredentialsFile}).
 * Everything that can be checked is checked before the server is asked, and nothing is written unless the server
 * accepted: a refused join changes nothing.
 */
@Command(name = "join", mixinStandardHelpOptions = true,
    description = {"Join a database to a space on a server: the first device with the invite from lattice space"
        + " create, later ones with a code from lattice pair. Then lattice sync <db> syncs it.",
        "The device's token is stored beside the database in <db>.lattice-credentials, readable by you only; it is"
            + " never printed and never in lattice export backups."})
final class JoinCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "the database file (enabled with lattice enable)")
  Path database;

  @Parameters(index = "1", paramLabel = "<server-url>", description = "the server, e.g. http://127.0.0.1:7420")
  URI server;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Secret secret;

  static final class Secret {
    @Option(names = "--invite", required = true, paramLabel = "<invite>",
        description = "the space's invite, from lattice space create (first device)")
    String invite;

    @Option(names = "--code", required = true, paramLabel = "<code>",
        description = "a pairing code, from lattice pair on a device of the space")
    String code;
  }

  @Option(names = "--name", paramLabel = "<name>", description = "this device's name in lattice devices (default: the"
      + " host's name)")
  String name;

  @Override
  public Integer call() throws Exception {
    JoinSecret.Kind kind = secret.invite != null ? JoinSecret.Kind.INVITE : JoinSecret.Kind.CODE;
    JoinSecret given = JoinSecret.parse(secret.invite != null ? secret.invite : secret.code, kind);
    ServerApi api = new ServerApi(server);
    String site;
    try (Connection c = Databases.openReplica(database)) {
      site = Replica.of(c).siteId().toString();
    }
    var existing = CredentialsFile.read(database);
    if (existing.isPresent()) {
      JoinedDevice joined = existing.get();
      throw new CommandFailure(database + " has joined space " + joined.spaceId() + " on " + joined.server()
          + " already: a database belongs to one space. Sync it with lattice sync " + database + ", or join a copy"
          + " made with lattice export and lattice import");
    }
    if (!Files.isWritable(CredentialsFile.of(database).getParent())) {
      throw new CommandFailure("cannot write beside " + database + " (the credentials go there): check the folder's"
          + " permissions");
    }
    ObjectNode request = JSON.createObjectNode();
    request.put(kind == JoinSecret.Kind.INVITE ? "invite" : "pairingCode", given.secret());
    request.put("name", name != null ? name : hostName());
    JsonNode reply;
    try {
      reply = api.post("/spaces/" + given.space() + "/devices/join", null, JSON.writeValueAsString(request));
    } catch (ServerApi.Refused e) {
      throw explain(e, kind);
    }
    if (!reply.hasNonNull("deviceId") || !reply.hasNonNull("deviceToken")) {
      throw new CommandFailure(api.server() + " accepted the join but sent no device token: is it a Lattice server?");
    }
    JoinedDevice device = new JoinedDevice(api.server(), given.space(), reply.get("deviceId").asText(),
        reply.get("deviceToken").asText(), site);
    CredentialsFile.write(database, device);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Joined " + database + " to space " + device.spaceId() + " on " + device.server() + " as device "
        + device.deviceId() + ".");
    out.println("Credentials: " + CredentialsFile.of(database) + " (readable by you only; keep it out of backups"
        + " and version control).");
    out.println("Sync now with: lattice sync " + database);
    out.flush();
    return 0;
  }

  /** The server's refusal in the user's words: what was wrong with what they typed, and what to do. */
  private CommandFailure explain(ServerApi.Refused e, JoinSecret.Kind kind) {
    return switch (e.kind()) {
      case REFUSED_SECRET -> new CommandFailure(kind == JoinSecret.Kind.INVITE
          ? "the invite was refused: it is wrong, expired or already used. Ask the server's operator for a new one"
              + " (lattice space create, or POST /admin/spaces/<space>/invite)"
          : "the pairing code was refused: it is wrong, expired (codes last 10 minutes) or already used. Run"
              + " lattice pair on a device of the space for a new one");
      case NOT_FOUND -> new CommandFailure(e.error() != null && e.error().equals("unknown_space")
          ? "the server has no such space: check that the " + kind.option + " was copied whole and the server is"
              + " the one that made it"
          : e.getMessage() + " (is it a Lattice server of the right version?)");
      default -> e;
    };
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "device";
    }
  }
}
