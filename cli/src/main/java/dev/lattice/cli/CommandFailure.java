package dev.lattice.cli;

/**
 * A command could not do what it was asked, for a reason its message states with what to do about it. Ends the
 * command with exit code 1 and {@code lattice: <message>} on standard error, without a stack trace.
 */
class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandFailure(String message) {
    super(message, null, false, false);
  }
}
