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
 * broke off, or asked to be left alone for a while: see {@link #retryAfter()}), {@code refused} (a server refused this
 * device: revoked, or its token unknown; it must join again), {@code internal} (a bug or a local database error).
 * {@link #kind()} is the same as a type, and says whether trying again can help; the code is its word.
 */
public class SyncException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The kinds of failure, one per code. */
  public enum Kind {
    PROTOCOL(false),
    SCHEMA(false),
    KEY(false),
    MALFORMED(true),
    REJECTED(true),
    RECONCILE(true),
    UNAVAILABLE(true),
    REFUSED(false),
    INTERNAL(true);

    private final boolean retryable;
    private final String code;

    Kind(boolean retryable) {
      this.retryable = retryable;
      this.code = name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Whether trying again later can succeed without someone acting: not for a protocol, schema or key mismatch (a
     * wrong passphrase), nor for a device the server refuses (revoked).
     */
    public boolean retryable() {
      return retryable;
    }

    /** The stable word for this kind, as the wire carries it in a {@code Failure}: its name in lower case. */
    public String code() {
      return code;
    }

    /**
     * The kind whose word is {@code code}, as a peer's {@code Failure} carries it; {@link #INTERNAL} for a word this
     * version does not know (a newer peer's).
     */
    public static Kind of(String code) {
      for (Kind k : values()) {
        if (k.code.equals(code)) {
          return k;
        }
      }
      return INTERNAL;
    }
  }

  private final Kind kind;
  private final transient java.time.Duration retryAfter;

  public SyncException(Kind kind, String message) {
    this(kind, message, null);
  }

  public SyncException(Kind kind, String message, Throwable cause) {
    this(kind, message, cause, null);
  }

  /** A failure after which the peer asked to wait {@code retryAfter} (null if it did not) before trying again. */
  public SyncException(Kind kind, String message, Throwable cause, java.time.Duration retryAfter) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.retryAfter = retryAfter;
  }

  /**
   * The failure of talking to a peer, {@code e} from a transport, typed: a server's 401 or 403 is {@code refused}
   * (retrying cannot fix it: the device must join again), anything else {@code unavailable}, with the peer's
   * {@code Retry-After} when it gave one (429, 503).
   *
   * @param what what was being done, such as "the peer could not be reached or broke off"
   */
  public static SyncException talkingToPeer(String what, java.io.IOException e) {
    if (e instanceof dev.lattice.sync.transport.PeerRefusal r) {
      switch (r.kind()) {
        case UNAUTHORIZED, FORBIDDEN -> {
          return new SyncException(Kind.REFUSED, "the server refused this device (" + e.getMessage() + "): it was"
              + " revoked, or the space or device is gone. Join again (lattice join, with a pairing code from"
              + " another device of the space)", e);
        }
        default -> {
          return new SyncException(Kind.UNAVAILABLE, what + ": " + e.getMessage(), e, r.retryAfter().orElse(null));
        }
      }
    }
    return new SyncException(Kind.UNAVAILABLE, what + ": " + e.getMessage(), e);
  }

  /** The stable word naming the kind of failure ({@link Kind#code()}); see the class comment. */
  public String code() {
    return kind.code();
  }

  /** The kind of failure: see {@link Kind#retryable()}. */
  public Kind kind() {
    return kind;
  }

  /** How long the peer asked to wait before the next attempt, if it said (429 and 503 answers). */
  public java.util.Optional<java.time.Duration> retryAfter() {
    return java.util.Optional.ofNullable(retryAfter);
  }

  @Override
  public String toString() {
    return "SyncException[" + kind.code() + "]: " + getMessage();
  }
}
