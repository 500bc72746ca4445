package dev.lattice.server.http;

import java.io.IOException;

/** The certificate or key of {@code --tls-cert}/{@code --tls-key} cannot be served with; the message says which. */
public final class TlsException extends IOException {
  /** What is wrong. */
  public enum Reason {
    /** A file cannot be read. */
    UNREADABLE,
    /** The certificate file holds no PEM certificate. */
    NO_CERTIFICATE,
    /** The key file holds no PEM private key. */
    NO_KEY,
    /** The key is encrypted: the server has no one to ask for its passphrase. */
    ENCRYPTED_KEY,
    /** The key is not the certificate's. */
    MISMATCH
  }

  private final Reason reason;

  TlsException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
