package dev.lattice.server.accounts;

/**
 * What a device receives when it joins: its id and its bearer token, shown this once. The token is
 * {@code <deviceId>.<secret>}: the id says which stored hash to compare the whole token with, so the server never
 * searches for a secret (a search by secret could leak, through timing, how much of a guess was right).
 *
 * @param spaceId the space joined
 * @param deviceId the device's id in the space, not a secret
 * @param token the bearer token for {@code Authorization: Bearer <token>}
 */
public record DeviceCredentials(String spaceId, String deviceId, String token) {
  /** Without the token: a record's default text would put it in logs. */
  @Override
  public String toString() {
    return "DeviceCredentials[spaceId=" + spaceId + ", deviceId=" + deviceId + "]";
  }
}
