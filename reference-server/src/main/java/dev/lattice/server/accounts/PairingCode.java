package dev.lattice.server.accounts;

import java.time.Instant;

/**
 * A short code, made by a device of a space, that lets one more device join it: eight characters a person can read
 * out and type ({@code 7KQ4-M2XD}), single use, short-lived, and void after a few wrong guesses.
 *
 * @param code the code, grouped for reading; dashes, spaces and case do not matter when it is typed
 * @param expiresAt after this it is refused
 */
public record PairingCode(String code, Instant expiresAt) {
  /** Without the code: a record's default text would put it in logs. */
  @Override
  public String toString() {
    return "PairingCode[expiresAt=" + expiresAt + "]";
  }
}
