package dev.lattice.server.config;

/** A flag or environment variable the server cannot start with; the message names it and says what it takes. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
