package dev.lattice.sync.wire;

/** A message that cannot be read: malformed, truncated, oversized or of an unknown kind. Nothing of it was used. */
public final class WireException extends RuntimeException {
  public WireException(String message) {
    super(message);
  }

  public WireException(String message, Throwable cause) {
    super(message, cause);
  }
}
