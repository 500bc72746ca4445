package dev.lattice.driver.sync;

import java.nio.file.Path;

/**
 * The sync options of a connection ({@code lattice.sync}, {@code lattice.passphraseFile}).
 *
 * @param auto whether the driver keeps the database in sync in the background
 * @param passphraseFile where the passphrase is read from when {@code LATTICE_PASSPHRASE} is not set; null for none
 */
public record SyncSettings(boolean auto, Path passphraseFile) {
  public static final SyncSettings OFF = new SyncSettings(false, null);
}
