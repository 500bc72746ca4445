package dev.lattice.sync.store;

import dev.lattice.merkle.CellIdHasher;
import dev.lattice.sync.crypto.KdfParams;
import dev.lattice.sync.crypto.SpaceKey;
import dev.lattice.sync.wire.KeyInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A device's space key: derived from the passphrase with the parameters kept in the database, or adopted from the
 * first peer met and kept from then on. Only the parameters (salt and costs, not secret) are stored; the key lives in
 * memory only.
 */
final class KeyRing implements AutoCloseable {
  private static final String TABLE = "CREATE TABLE IF NOT EXISTS lattice_space_key(id INTEGER PRIMARY KEY CHECK"
      + " (id = 1), salt BLOB NOT NULL, memory_kib INTEGER NOT NULL, iterations INTEGER NOT NULL,"
      + " parallelism INTEGER NOT NULL)";

  private final Encryption encryption;
  private SpaceKey key;

  private KeyRing(Encryption encryption, SpaceKey key) {
    this.encryption = encryption;
    this.key = key;
  }

  /** The ring of the database behind {@code c}: its key is derived now if the space's parameters are stored. */
  static KeyRing load(Connection c, Encryption encryption) throws SQLException {
    if (!encryption.enabled()) {
      return new KeyRing(encryption, null);
    }
    KdfParams stored = storedParams(c);
    return new KeyRing(encryption, stored == null ? null : SpaceKey.derive(encryption.passphrase(), stored));
  }

  boolean enabled() {
    return encryption.enabled();
  }

  /** The key, or null while encryption is off or the space's parameters are not known yet. */
  SpaceKey key() {
    return key;
  }

  CellIdHasher hasher() {
    return key == null ? CellIdHasher.unkeyed() : key.cellIds();
  }

  KeyInfo info() {
    if (key == null) {
      return null;
    }
    KdfParams p = key.params();
    return new KeyInfo(p.salt(), p.memoryKiB(), p.iterations(), p.parallelism(), key.keyCheck());
  }

  /** Makes a new space's key if there is none yet: the device that answers first decides the parameters. */
  void ensureKey(Connection c) throws SQLException {
    if (enabled() && key == null) {
      keep(c, SpaceKey.derive(encryption.passphrase(), encryption.paramsForNewSpace()));
    }
  }

  /** See {@link SyncStore#adoptKey}. */
  KeyAgreement adopt(Connection c, KeyInfo peer, boolean peerEncrypted) throws SQLException {
    if (!enabled()) {
      return !peerEncrypted && peer == null ? KeyAgreement.AGREED : refused("the peer's space is end-to-end encrypted"
          + " and this device's is not: sync with the space passphrase");
    }
    if (peer == null) {
      return refused(peerEncrypted ? "the peer has the space passphrase but not the space's key parameters yet"
          : "this device's space is end-to-end encrypted and the peer's is not: give the peer the space passphrase,"
              + " or sync without encryption on both sides");
    }
    KdfParams params;
    try {
      params = KdfParams.of(peer.salt(), peer.memoryKiB(), peer.iterations(), peer.parallelism());
    } catch (IllegalArgumentException e) {
      return refused("the peer's key parameters are unusable (" + e.getMessage() + ")");
    }
    if (key != null) {
      if (!key.params().equals(params)) {
        return refused("the peer belongs to another space: its key parameters (salt) differ from this device's."
            + " Devices of one space take their parameters from the first device they sync with");
      }
      return key.verifiesKeyCheck(peer.check()) ? KeyAgreement.AGREED : wrongPassphrase();
    }
    SpaceKey derived;
    try {
      derived = SpaceKey.derive(encryption.passphrase(), params);
    } catch (IllegalArgumentException e) { // costs this device cannot afford
      return refused("the peer's key parameters are unusable here (" + e.getMessage() + ")");
    }
    if (!derived.verifiesKeyCheck(peer.check())) {
      derived.close();
      return wrongPassphrase();
    }
    keep(c, derived);
    return KeyAgreement.AGREED;
  }

  /**
   * See {@link SyncStore#forgetUnconfirmedKey}. A key counts as accepted once this device agreed a schema with a peer
   * ({@link AgreedSchema}): that happens only after a hello whose key check passed on both sides, and nothing is
   * sealed for a peer before it, so a key without it has protected nothing that left this device.
   */
  boolean forgetUnconfirmed(Connection c) throws SQLException {
    if (key == null || AgreedSchema.read(c) != null) {
      return false;
    }
    try (Statement s = c.createStatement()) {
      s.execute("DELETE FROM lattice_space_key");
    }
    key.close();
    key = null;
    return true;
  }

  private static KeyAgreement wrongPassphrase() {
    return refused("wrong passphrase: the peer's key check does not open with this device's key; every device of a"
        + " space must use the same passphrase");
  }

  private static KeyAgreement refused(String reason) {
    return new KeyAgreement.Refused(reason);
  }

  private void keep(Connection c, SpaceKey derived) throws SQLException {
    KdfParams p = derived.params();
    try (Statement s = c.createStatement()) {
      s.execute(TABLE);
    }
    try (PreparedStatement insert = c.prepareStatement("INSERT OR REPLACE INTO lattice_space_key(id, salt, memory_kib,"
        + " iterations, parallelism) VALUES (1, ?, ?, ?, ?)")) {
      insert.setBytes(1, p.salt());
      insert.setInt(2, p.memoryKiB());
      insert.setInt(3, p.iterations());
      insert.setInt(4, p.parallelism());
      insert.executeUpdate();
    }
    key = derived;
  }

  private static KdfParams storedParams(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet exists = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table'"
            + " AND name = 'lattice_space_key'")) {
      if (!exists.next()) {
        return null; // opening reads only: the table appears when a key is first kept
      }
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT salt, memory_kib, iterations, parallelism FROM lattice_space_key")) {
      return r.next() ? new KdfParams(r.getBytes(1), r.getInt(2), r.getInt(3), r.getInt(4)) : null;
    }
  }

  @Override
  public void close() {
    if (key != null) {
      key.close();
    }
  }
}
