package dev.lattice.sync;

import java.util.Objects;

/**
 * A sync did not complete. {@link #code()} is a stable word for programs, the message says what went wrong and what to
 * do. Whatever was applied before the failure was applied whole, batch by batch; a later sync resumes from there.
 *
 * <p>Codes: {@code protocol} (the peers speak different protocol versions), {@code schema} (they track different
 * tables or columns), {@code key} (encryption on one side only, a wrong passphrase, another space), {@code malformed}
 * (a message could not be read), {@code rejected} (a batch was refused: tampered, untrackable, from the future),
 * {@code reconcile} (the trees could not be brought together), {@code unavailable} (the peer could not be reached or
 * broke off), {@code internal} (a bug or a local database error).
 */
public class SyncException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;

  public SyncException(String code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public SyncException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable word naming the kind of failure; see the class comment. */
  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return "SyncException[" + code + "]: " + getMessage();
  }
}
