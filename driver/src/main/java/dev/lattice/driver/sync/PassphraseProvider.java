package dev.lattice.driver.sync;

import java.nio.file.Path;

/**
 * Gives the space's passphrase for a database that syncs with {@code lattice.sync=auto}, for applications that keep it
 * somewhere of their own (a keychain, a prompt). Registered with {@link AutoSync#setPassphraseProvider}; asked each
 * time a database's sync starts; the passphrase is never stored.
 */
@FunctionalInterface
public interface PassphraseProvider {
  /** The passphrase for {@code database}'s space, or null if there is none. */
  char[] passphrase(Path database);
}
