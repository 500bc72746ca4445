package dev.lattice.server.accounts;

import java.time.Instant;

/**
 * A device of a space as listed: what it is called and when it joined, and whether it was revoked.
 *
 * @param deviceId its id in the space
 * @param name the name it gave when joining, or null
 * @param joinedAt when it joined
 * @param revokedAt when it was revoked, or null while it is active
 */
public record DeviceInfo(String deviceId, String name, Instant joinedAt, Instant revokedAt) {
  public boolean revoked() {
    return revokedAt != null;
  }
}
