package dev.lattice.server.relay;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.store.KeyAgreement;
import dev.lattice.sync.wire.KeyInfo;
import dev.lattice.sync.wire.SchemaMigration;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the devices of one space must agree on, as the relay keeps it in {@code relay_spaces}: the relay's own site id
 * for the space, the key parameters and key check adopted from the space's first device (the relay never makes nor
 * checks a key), and the schema fingerprint adopted from the first device or a device that migrated from it.
 *
 * <p>Asked at every hello, so answered by reads, without a write transaction unless something is to be adopted: the
 * site id and a decided key never change, and are kept in memory once read; the schema can change (a migration, on any
 * instance), and is read every time.
 */
final class RelayAgreement {
  private static final Logger LOG = LoggerFactory.getLogger(RelayAgreement.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The space's key decision once made (it never changes): whether it is keyed, and the key if so. */
  private record Decided(boolean keyed, KeyInfo key) {}

  private final RelaySpace space;
  /** Whether the space's {@code relay_spaces} line is known to exist: it is never deleted. */
  private volatile boolean exists;
  private volatile byte[] site;
  private volatile Decided decided;

  RelayAgreement(RelaySpace space) {
    this.space = space;
  }

  byte[] siteId() throws SyncException {
    byte[] s = site;
    if (s == null) {
      s = space.read(c -> spaceBytes(c, "site", false));
      site = s;
    }
    return s.clone();
  }

  byte[] schemaFingerprint() throws SyncException {
    byte[] schema = space.read(c -> spaceBytes(c, "schema", false));
    return schema == null ? new byte[0] : schema;
  }

  boolean acceptsSchema(byte[] peerFingerprint) throws SyncException {
    byte[] schema = space.read(c -> spaceBytes(c, "schema", false));
    if (schema != null) {
      return Arrays.equals(schema, peerFingerprint);
    }
    return space.writeAlone(c -> { // the first device's schema is adopted, unless another got there first
      byte[] now = spaceBytes(c, "schema", true);
      if (now == null) {
        setSchema(c, peerFingerprint, null);
        return true;
      }
      return Arrays.equals(now, peerFingerprint);
    });
  }

  void migrated(SchemaMigration migration) throws SyncException {
    space.writeAlone(c -> {
      if (Arrays.equals(spaceBytes(c, "schema", true), migration.from())) {
        setSchema(c, migration.to(), migration.detail());
        LOG.info("space {}: a device migrated it to a new schema; devices still on the old one are refused until"
            + " they migrate", space.id());
      }
      return null;
    });
  }

  /** The sealed description the device that last migrated the space sent, or null: the relay cannot read it. */
  byte[] schemaDetail() throws SyncException {
    return space.read(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT detail FROM relay_schema_details WHERE space = ?")) {
        p.setString(1, space.id());
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? r.getBytes(1) : null;
        }
      }
    });
  }

  boolean encrypted() throws SyncException {
    Decided d = decision();
    return d != null && d.keyed();
  }

  /** The space's key, or null: a relay never makes a key, devices do. */
  KeyInfo keyInfo() throws SyncException {
    Decided d = decision();
    return d == null ? null : d.key();
  }

  /** Whether the peer may sync with the space's key as it says; if not, why not. */
  KeyAgreement adoptKey(KeyInfo peer, boolean peerEncrypted) throws SyncException {
    Decided d = decision();
    if (d == null) {
      if (peerEncrypted && peer == null) {
        // The device makes the key, then says hello again with it.
        return new KeyAgreement.Refused("this space has no key yet: the first device to sync makes it");
      }
      d = space.writeAlone(c -> { // the space's first device decides, unless another got there first
        Decided now = decided(c, true);
        if (now != null) {
          return now;
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE relay_spaces SET keyed = ?, key_salt = ?,"
            + " key_memory = ?, key_iterations = ?, key_parallelism = ?, key_check = ? WHERE space = ?")) {
          p.setInt(1, peer == null ? 0 : 1);
          p.setBytes(2, peer == null ? null : peer.salt());
          p.setObject(3, peer == null ? null : peer.memoryKiB());
          p.setObject(4, peer == null ? null : peer.iterations());
          p.setObject(5, peer == null ? null : peer.parallelism());
          p.setBytes(6, peer == null ? null : peer.check());
          p.setString(7, space.id());
          p.executeUpdate();
        }
        return null; // decided by this peer: nothing to hold it to
      });
      if (d == null) {
        return KeyAgreement.AGREED;
      }
      decided = d;
    }
    if (!d.keyed()) {
      return peer == null && !peerEncrypted ? KeyAgreement.AGREED : new KeyAgreement.Refused("this space is not"
          + " end-to-end encrypted on the server, and the device encrypts: sync it without a passphrase, or use a new"
          + " space");
    }
    if (peer == null) {
      return new KeyAgreement.Refused("this space is end-to-end encrypted: sync with the space passphrase");
    }
    KeyInfo mine = d.key();
    boolean sameParams = Arrays.equals(mine.salt(), peer.salt()) && mine.memoryKiB() == peer.memoryKiB()
        && mine.iterations() == peer.iterations() && mine.parallelism() == peer.parallelism();
    // The key check itself only devices can verify: they do, against the one the first device left here.
    return sameParams ? KeyAgreement.AGREED : new KeyAgreement.Refused("the device belongs to another space: its key"
        + " parameters (salt) differ from this space's");
  }

  /** The key decision, or null while the space has none (then asked again every time: another instance may make it). */
  private Decided decision() throws SyncException {
    Decided d = decided;
    if (d == null) {
      d = space.read(c -> decided(c, false));
      decided = d;
    }
    return d;
  }

  private Decided decided(Connection c, boolean writing) throws SQLException, SyncException {
    ensureSpace(c, writing);
    try (PreparedStatement p = c.prepareStatement("SELECT keyed, key_salt, key_memory, key_iterations,"
        + " key_parallelism, key_check FROM relay_spaces WHERE space = ?")) {
      p.setString(1, space.id());
      try (ResultSet r = p.executeQuery()) {
        r.next();
        Object keyed = r.getObject(1);
        if (keyed == null) {
          return null;
        }
        return ((Number) keyed).intValue() == 1
            ? new Decided(true, new KeyInfo(r.getBytes(2), r.getInt(3), r.getInt(4), r.getInt(5), r.getBytes(6)))
            : new Decided(false, null);
      }
    }
  }

  private void setSchema(Connection c, byte[] fingerprint, byte[] detail) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("UPDATE relay_spaces SET schema = ? WHERE space = ?")) {
      p.setBytes(1, fingerprint);
      p.setString(2, space.id());
      p.executeUpdate();
    }
    try (PreparedStatement p = c.prepareStatement("DELETE FROM relay_schema_details WHERE space = ?")) {
      p.setString(1, space.id());
      p.executeUpdate();
    }
    if (detail != null) {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO relay_schema_details(space, detail) VALUES (?, ?)")) {
        p.setString(1, space.id());
        p.setBytes(2, detail);
        p.executeUpdate();
      }
    }
  }

  private byte[] spaceBytes(Connection c, String column, boolean writing) throws SQLException, SyncException {
    ensureSpace(c, writing);
    try (PreparedStatement p = c.prepareStatement("SELECT " + column + " FROM relay_spaces WHERE space = ?")) {
      p.setString(1, space.id());
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getBytes(1);
      }
    }
  }

  /**
   * Makes the space's line, with a new site id, unless it exists. A line once seen is never deleted, so this writes
   * once per space and instance at most: in {@code c}'s transaction when {@code writing}, else (on a reader's
   * connection) in a transaction of its own.
   */
  private void ensureSpace(Connection c, boolean writing) throws SQLException, SyncException {
    if (exists) {
      return;
    }
    if (!writing) {
      try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM relay_spaces WHERE space = ?")) {
        p.setString(1, space.id());
        try (ResultSet r = p.executeQuery()) {
          if (r.next()) {
            exists = true;
            return;
          }
        }
      }
      space.writeAlone(w -> {
        insertSpace(w);
        return null;
      });
      exists = true; // committed
    } else {
      insertSpace(c); // known to exist once a read sees it: this transaction may yet roll back
    }
  }

  private void insertSpace(Connection c) throws SQLException {
    byte[] site = new byte[16];
    RANDOM.nextBytes(site);
    try (PreparedStatement p = c.prepareStatement("INSERT INTO relay_spaces(space, site) VALUES (?, ?)"
        + " ON CONFLICT(space) DO NOTHING")) {
      p.setString(1, space.id());
      p.setBytes(2, site);
      p.executeUpdate();
    }
  }
}
