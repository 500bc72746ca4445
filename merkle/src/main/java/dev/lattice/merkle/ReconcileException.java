package dev.lattice.merkle;

/**
 * A reconciliation message was malformed, oversized or inconsistent with the session, or the session stopped
 * progressing. The session that threw is over; nothing it reported as differing should be trusted.
 */
public final class ReconcileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ReconcileException(String message) {
    super(message);
  }
}
