package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.LatticeServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A space on a running reference server, made and joined through the lattice command as an operator and the devices'
 * owner would: {@code lattice space create}, then the first database joins with the invite and the others with
 * pairing codes from {@code lattice pair} on the first.
 *
 * @param url the server's base URL
 * @param spaceId the space
 * @param invite the space's invite as {@code lattice space create} printed it ({@code <space>.<token>})
 */
record ServerSpace(String url, String spaceId, String invite) {
  private static final Pattern INVITE = Pattern.compile("--invite (([^.\\s]+)\\.\\S+)");
  private static final Pattern CODE = Pattern.compile("--code (\\S+)");

  static ServerSpace create(LatticeServer server, String adminToken) {
    return create(server.uri(), adminToken);
  }

  /** As {@link #create(LatticeServer, String)}, on the server at {@code uri} (another process, say). */
  static ServerSpace create(URI uri, String adminToken) {
    String url = uri.toString();
    Cli.Run run = Cli.run(Map.of(SpaceCreateCommand.ADMIN_TOKEN_VARIABLE, adminToken), "space", "create", "--server",
        url);
    assertEquals(0, run.exitCode(), run::toString);
    Matcher m = INVITE.matcher(run.out());
    assertTrue(m.find(), run::toString);
    return new ServerSpace(url, m.group(2), m.group(1));
  }

  /**
   * Joins {@code databases} to the space: the first with the invite, the others with codes the first asks for; without
   * the join's first sync, which the tests run themselves when they want it.
   */
  void join(Path... databases) {
    for (int i = 0; i < databases.length; i++) {
      String secret = i == 0 ? invite : pairingCode(databases[0]);
      Cli.Run run = Cli.run("join", databases[i].toString(), url, i == 0 ? "--invite" : "--code", secret,
          "--name", "device " + i, "--no-sync");
      assertEquals(0, run.exitCode(), run::toString);
    }
  }

  /** A pairing code asked for by {@code joined}, a database of the space. */
  static String pairingCode(Path joined) {
    Cli.Run run = Cli.run("pair", joined.toString());
    assertEquals(0, run.exitCode(), run::toString);
    Matcher m = CODE.matcher(run.out());
    assertTrue(m.find(), run::toString);
    return m.group(1);
  }
}
