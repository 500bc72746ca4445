package dev.lattice.server.accounts;

import java.time.Instant;

/**
 * A space's one-time invite: the first device joins with it. Only its hash is stored, so it is shown once.
 *
 * @param spaceId the space it opens
 * @param token the secret to hand to the first device
 * @param expiresAt after this it is refused
 */
public record Invite(String spaceId, String token, Instant expiresAt) {
  /** Without the token: a record's default text would put it in logs. */
  @Override
  public String toString() {
    return "Invite[spaceId=" + spaceId + ", expiresAt=" + expiresAt + "]";
  }
}
