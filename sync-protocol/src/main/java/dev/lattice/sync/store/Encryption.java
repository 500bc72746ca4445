package dev.lattice.sync.store;

import dev.lattice.sync.crypto.KdfParams;
import java.util.Arrays;
import java.util.Objects;

/**
 * Whether a device's payloads are end-to-end encrypted, and with which passphrase. Every device of a space uses the
 * same passphrase; the key parameters (a random salt and Argon2id costs) are made by the first device that serves the
 * space and adopted by the others on their first sync, so that they all derive the same keys.
 */
public final class Encryption {
  private static final Encryption OFF = new Encryption(null, null);

  private final char[] passphrase;
  private final KdfParams newSpaceParams;

  private Encryption(char[] passphrase, KdfParams newSpaceParams) {
    this.passphrase = passphrase;
    this.newSpaceParams = newSpaceParams;
  }

  /** No encryption: payloads travel and rest in plain CBOR. For trusted peers on one machine or network. */
  public static Encryption off() {
    return OFF;
  }

  /**
   * End-to-end encryption with the space's passphrase; a new space gets {@link KdfParams#generate()} parameters. The
   * array is copied; clear yours when done.
   */
  public static Encryption passphrase(char[] passphrase) {
    Objects.requireNonNull(passphrase, "passphrase");
    if (passphrase.length == 0) {
      throw new IllegalArgumentException("the passphrase is empty");
    }
    return new Encryption(passphrase.clone(), null);
  }

  /** The same passphrase, with these parameters for a new space (tests use {@link KdfParams#cheapForTests}). */
  public Encryption withNewSpaceParams(KdfParams params) {
    if (passphrase == null) {
      throw new IllegalStateException("encryption is off: there are no key parameters to set");
    }
    return new Encryption(passphrase, Objects.requireNonNull(params, "params"));
  }

  public boolean enabled() {
    return passphrase != null;
  }

  char[] passphrase() {
    return passphrase;
  }

  KdfParams paramsForNewSpace() {
    return newSpaceParams != null ? newSpaceParams : KdfParams.generate();
  }

  /** Never shows the passphrase. */
  @Override
  public String toString() {
    return passphrase == null ? "Encryption[off]" : "Encryption[passphrase redacted]";
  }

  /** Clears the passphrase held here; later syncs of a space whose key is not derived yet will fail. */
  public void clear() {
    if (passphrase != null) {
      Arrays.fill(passphrase, '\0');
    }
  }
}
