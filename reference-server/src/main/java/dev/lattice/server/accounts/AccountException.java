package dev.lattice.server.accounts;

import java.util.Objects;

/** A request about spaces or devices that is refused: {@link #reason()} for programs, the message for people. */
public final class AccountException extends RuntimeException {
  /** Why a request is refused; the HTTP layer turns each into a status. */
  public enum Reason {
    /** No space has that id. */
    UNKNOWN_SPACE,
    /** The space has no device with that id. */
    UNKNOWN_DEVICE,
    /** The bearer token is missing, malformed, or not one this server issued. */
    BAD_TOKEN,
    /** The token was good, but its device has been revoked. */
    REVOKED,
    /** The invite is wrong, expired or already used. */
    BAD_INVITE,
    /** The pairing code is wrong, expired, used, or has had too many wrong guesses. */
    BAD_PAIRING_CODE,
    /** A field of the request is not acceptable (a name too long, both an invite and a code). */
    BAD_REQUEST
  }

  private final Reason reason;

  public AccountException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
