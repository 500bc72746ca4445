package dev.lattice.server.storage;

/** The server's database failed: unreachable, full, corrupt. Callers answer 500 (or 503) and log it. */
public final class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
