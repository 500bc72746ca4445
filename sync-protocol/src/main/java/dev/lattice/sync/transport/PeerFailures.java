package dev.lattice.sync.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns what {@code java.net.http} fails with into an {@link IOException} that names the peer and says what went
 * wrong in words a user can act on ("unreachable", "did not answer within 60 s"), keeping the original as the cause.
 */
final class PeerFailures {
  private PeerFailures() {}

  /** The failure of an exchange with {@code peer}; {@code timeout} is the one that applied, for the message. */
  static IOException describe(Throwable failure, Object peer, Duration timeout) {
    Throwable cause = unwrap(failure);
    if (cause instanceof HttpConnectTimeoutException) {
      return new IOException("peer " + peer + " is unreachable: no connection within " + format(timeout), cause);
    }
    if (cause instanceof ConnectException) {
      String detail = cause.getMessage() == null ? "connection refused" : cause.getMessage();
      return new IOException("peer " + peer + " is unreachable: " + detail, cause);
    }
    if (cause instanceof HttpTimeoutException) {
      return new IOException("peer " + peer + " did not answer within " + format(timeout), cause);
    }
    return new IOException("exchange with peer " + peer + " failed: " + cause, cause);
  }

  /** The exception inside the wrappers that futures add. */
  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** "10 s", "250 ms". */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
