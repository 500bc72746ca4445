package dev.lattice.server.accounts;

import dev.lattice.server.storage.ServerDatabase;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The operator's bearer token, for {@code /admin} and for revoking any device. Either configured, or generated at the
 * first start and shown once; only its hash is kept, in memory and (if generated) in the server database.
 */
public final class AdminToken {
  private static final String SETTING = "admin_token_sha256";

  private final byte[] hash;

  private AdminToken(byte[] hash) {
    this.hash = hash;
  }

  /**
   * The admin token: {@code configured} if given; otherwise the one generated at an earlier start; otherwise a new
   * one, stored as a hash and passed once to {@code announce} to show the operator (it cannot be shown again).
   * Instances starting together on one database agree on one generated token: only the first to store it shows it.
   *
   * @param db a database whose tables {@link Accounts#open} made
   */
  public static AdminToken load(ServerDatabase db, String configured, Consumer<String> announce) {
    Objects.requireNonNull(announce, "announce");
    if (configured != null) {
      return new AdminToken(Secrets.hash(configured));
    }
    String[] generated = new String[1];
    byte[] hash = db.write(c -> {
      byte[] stored = SettingsTable.get(c, SETTING);
      if (stored != null) {
        return stored;
      }
      String token = Secrets.newToken();
      if (!SettingsTable.putIfAbsent(c, SETTING, Secrets.hash(token))) {
        return SettingsTable.get(c, SETTING); // another instance stored one in between: that one holds
      }
      generated[0] = token;
      return Secrets.hash(token);
    });
    if (generated[0] != null) {
      announce.accept(generated[0]); // only once stored: a token shown but lost in a rollback would not work
    }
    return new AdminToken(hash);
  }

  /** Whether {@code presented} is the admin token; takes the same time either way. */
  public boolean matches(String presented) {
    return presented != null && Secrets.matches(hash, presented);
  }

  @Override
  public String toString() {
    return "AdminToken[hidden]";
  }
}
