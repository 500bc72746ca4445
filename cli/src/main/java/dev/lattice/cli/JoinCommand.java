package dev.lattice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.driver.Replica;
import dev.lattice.sync.join.CredentialsFile;
import dev.lattice.sync.join.JoinedDevice;
import dev.lattice.sync.session.SyncReport;
import dev.lattice.sync.store.Encryption;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lattice join}: makes a database a device of a space on a reference server, with the space's invite (the first
 * device) or a pairing code (later ones), stores the device's credentials beside it ({@link CredentialsFile}), and
 * syncs it once, so that one command takes a database from nothing to in sync:
 *
 * <ul>
 *   <li>the first device tracks its application's tables if it tracks none yet ({@link JoinTables}), then makes the
 *       space's key and uploads its rows;
 *   <li>a later device may give a new file: its first sync takes the space's key and tables, then downloads.
 * </ul>
 *
 * Everything that can be checked (the secret's form, the address, the file, the tables, the passphrase) is checked
 * before the server is asked, and nothing is written unless the server accepted: a refused join leaves the database
 * exactly as it was. A first sync that fails after the server accepted keeps the credentials and says to run
 * {@code lattice sync}.
 */
@Command(name = "join", mixinStandardHelpOptions = true,
    description = {"Join a database to a space on a server and sync it: the first device with the invite from"
        + " lattice space create (its tables are tracked if none are yet), later ones with a code from lattice pair"
        + " (a new file is made, with the space's tables).",
        "The device's token is stored beside the database in <db>.lattice-credentials, readable by you only; it is"
            + " never printed and never in lattice export backups. The passphrase comes from LATTICE_PASSPHRASE or a"
            + " prompt."})
final class JoinCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  Lattice lattice;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "the database file (for a later device, it may be new)")
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

  @Option(names = "--no-sync", description = "only join (and track the tables); sync later with lattice sync")
  boolean noSync;

  @Option(names = "--plain", description = "sync without end-to-end encryption (every device of the space must agree)")
  boolean plain;

  @Override
  public Integer call() throws Exception {
    JoinSecret.Kind kind = secret.invite != null ? JoinSecret.Kind.INVITE : JoinSecret.Kind.CODE;
    JoinSecret given = JoinSecret.parse(secret.invite != null ? secret.invite : secret.code, kind);
    ServerApi api = new ServerApi(server);
    var existing = CredentialsFile.read(database);
    if (existing.isPresent()) {
      JoinedDevice joined = existing.get();
      throw new CommandFailure(database + " has joined space " + joined.spaceId() + " on " + joined.server()
          + " already: a database belongs to one space. Sync it with lattice sync " + database + ", or join a copy"
          + " made with lattice export and lattice import");
    }
    JoinTables.Plan plan = kind == JoinSecret.Kind.INVITE ? JoinTables.forFirstDevice(database) : null;
    if (plan == null) {
      JoinTables.checkLaterDevice(database);
    }
    Path folder = database.toAbsolutePath().getParent();
    if (!Files.isWritable(folder)) {
      throw new CommandFailure("cannot write beside " + database + " (the credentials go there): check the folder's"
          + " permissions");
    }
    // A missing passphrase is refused before the server is asked.
    Encryption encryption = noSync ? null : lattice.spaceEncryption(plain);
    try {
      JoinedDevice device = join(api, given, kind, plan);
      PrintWriter out = spec.commandLine().getOut();
      out.println("Joined " + database + " to space " + device.spaceId() + " on " + device.server() + " as device "
          + device.deviceId() + ".");
      out.println("Credentials: " + CredentialsFile.of(database) + " (readable by you only; keep it out of backups"
          + " and version control).");
      if (encryption == null) {
        out.println("Sync it with: lattice sync " + database);
        out.flush();
        return 0;
      }
      out.flush();
      syncFirst(device, encryption, out);
      return 0;
    } finally {
      if (encryption != null) {
        encryption.clear();
      }
    }
  }

  /**
   * Asks the server, then (only once it accepted) tracks the planned tables, makes a new file for a later device, and
   * stores the credentials.
   */
  private JoinedDevice join(ServerApi api, JoinSecret given, JoinSecret.Kind kind, JoinTables.Plan plan)
      throws Exception {
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
    String deviceId = reply.get("deviceId").asText();
    String site;
    try (Connection c = DriverManager.getConnection(Databases.url(database))) {
      if (plan != null && !plan.toTrack().isEmpty()) {
        long captured = JoinTables.track(c, plan.toTrack());
        PrintWriter out = spec.commandLine().getOut();
        out.println("Tracked " + String.join(", ", plan.toTrack()) + ": " + captured + " existing row(s) captured.");
        plan.warnings().forEach(w -> out.println("  warning: " + w));
      }
      site = Replica.of(c).siteId().toString();
    } catch (SQLException e) {
      throw new CommandFailure("the server accepted " + database + " as device " + deviceId + ", but the database"
          + " could not be prepared (" + e.getMessage() + "): fix that, revoke device " + deviceId + " from another"
          + " device (lattice revoke), and join again with a new " + kind.option);
    }
    JoinedDevice device = new JoinedDevice(api.server(), given.space(), deviceId, reply.get("deviceToken").asText(),
        site);
    CredentialsFile.write(database, device);
    return device;
  }

  /** The join's sync, and what it did: the tables a later device took from the space, the cells moved. */
  private void syncFirst(JoinedDevice device, Encryption encryption, PrintWriter out) throws SQLException {
    List<String> before = trackedTables();
    SyncReport report = FirstSync.run(database, device, encryption, spec.commandLine().getErr());
    List<String> made = new ArrayList<>(trackedTables());
    made.removeAll(before);
    if (!made.isEmpty()) {
      out.println("Took the space's tables: " + String.join(", ", made) + ".");
    }
    out.println("In sync: " + report.cellsSent() + " cell(s) sent, " + report.cellsReceived() + " received, "
        + report.duration().toMillis() + " ms. Applications using jdbc:lattice:sqlite:" + database
        + "?lattice.sync=auto keep it in sync; lattice sync " + database + " syncs it once.");
    out.flush();
  }

  private List<String> trackedTables() throws SQLException {
    try (Connection c = Databases.openReplica(database)) {
      return Replica.of(c).trackedTables();
    }
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
