package dev.lattice.sync.join;

import java.io.IOException;

/** A credentials file that cannot be used, and why ({@link Kind}); the message says what to do. */
public final class CredentialsException extends IOException {
  /** What is wrong with the file. */
  public enum Kind {
    /** Other users may read it: the token may have leaked. */
    OPEN_TO_OTHERS,
    /** Not the JSON {@link CredentialsFile} writes. */
    DAMAGED,
    /** There is one already: a database joins one space once. */
    ALREADY_JOINED
  }

  private final Kind kind;

  public CredentialsException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
