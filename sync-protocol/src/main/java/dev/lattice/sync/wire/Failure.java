package dev.lattice.sync.wire;

/**
 * The session ends: {@code code} for programs, {@code message} for people. Nothing of the request that failed was
 * applied.
 *
 * @param code a stable word: {@code protocol}, {@code schema}, {@code key}, {@code malformed}, {@code rejected},
 *     {@code reconcile}, {@code unavailable}
 * @param message what went wrong and what to do
 * @param detail optional bytes for the asker, or null: for {@code schema}, the responder's schema (sealed in an
 *     encrypted space); for {@code key}, when the asker has a passphrase but no parameters, the space's {@link KeyInfo}
 *     to derive with, or no bytes at all when the space has no key yet and the asker is to make it
 */
public record Failure(String code, String message, byte[] detail) implements Message {
  public Failure {
    Check.present(code, "code");
    Check.present(message, "message");
  }
}
