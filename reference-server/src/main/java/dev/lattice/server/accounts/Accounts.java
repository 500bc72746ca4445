package dev.lattice.server.accounts;

import dev.lattice.server.accounts.AccountException.Reason;
import dev.lattice.server.storage.ClusterFeed;
import dev.lattice.server.storage.ServerDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spaces and their devices: who may sync which space.
 *
 * <p>The operator creates a space and receives a one-time invite; the first device joins with it. Every later device
 * joins with a {@link PairingCode} that a device already in the space asked for, so a device is always approved by
 * one the space already trusts. A device authenticates with the token it received when joining, until it is revoked.
 *
 * <p>Every secret (invite, token, code) is stored only as a hash and checked in constant time (see {@link Secrets}).
 * A refused request changes nothing, with one deliberate exception: a wrong pairing code counts against the space's
 * codes, so that guessing one is hopeless (at most {@value #MAX_PAIRING_FAILURES} guesses for 40 bits).
 *
 * <p>Thread-safe: every operation is one transaction of the server database. Several server instances may share
 * the database (PostgreSQL): a transaction that changes a space's invite, codes or devices first locks the space
 * ({@link SpacesTable#lock}), so that an invite or code is used once and every wrong guess is counted, whichever
 * instances the requests reach. A revocation is heard by every instance ({@link #onRevoked}).
 */
public final class Accounts {
  private static final Logger log = LoggerFactory.getLogger(Accounts.class);
  /** The cluster feed's topic for revocations; the text is {@code "<space id> <device id>"}. */
  static final String REVOKED_TOPIC = "revoked";

  /** Wrong guesses a space's pairing codes survive. */
  static final int MAX_PAIRING_FAILURES = 5;
  /** Usable pairing codes a space may have at once; making another drops the oldest. */
  static final int MAX_PAIRING_CODES = 5;
  /** The longest space or device name, in characters. */
  static final int MAX_NAME_CHARS = 100;
  /** Pairing codes are typed by people: no 0/O or 1/I lookalikes. 32 symbols, 5 bits each, 40 bits a code. */
  static final String CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  static final int CODE_LENGTH = 8;

  private final ServerDatabase db;
  private final List<RevocationListener> revocationListeners = new CopyOnWriteArrayList<>();
  private final Clock clock;
  private final Duration inviteTtl;
  private final Duration pairingTtl;

  private Accounts(ServerDatabase db, Clock clock, Duration inviteTtl, Duration pairingTtl) {
    this.db = db;
    this.clock = clock;
    this.inviteTtl = inviteTtl;
    this.pairingTtl = pairingTtl;
  }

  /**
   * Accounts kept in {@code db}, creating or migrating their tables if needed.
   *
   * @param clock tells when invites and pairing codes expire
   * @param inviteTtl how long an invite stays usable
   * @param pairingTtl how long a pairing code stays usable
   * @throws dev.lattice.server.storage.StorageException if the database fails, or a newer server made it
   */
  public static Accounts open(ServerDatabase db, Clock clock, Duration inviteTtl, Duration pairingTtl) {
    Objects.requireNonNull(db, "db");
    db.write(c -> {
      AccountsSchema.migrate(c, db.dialect());
      return null;
    });
    return new Accounts(db, Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(inviteTtl, "inviteTtl"),
        Objects.requireNonNull(pairingTtl, "pairingTtl"));
  }

  /** Creates a space and its first invite. @param name for the operator, or null */
  public Invite createSpace(String name) {
    String spaceName = checkName(name, "space name");
    String spaceId = Secrets.newId();
    return db.write(c -> {
      SpacesTable.insert(c, spaceId, spaceName, now());
      return newInvite(c, spaceId);
    });
  }

  /** A new invite for an existing space, replacing the pending one: for an operator whose invite was lost. */
  public Invite renewInvite(String spaceId) {
    return db.write(c -> {
      lockSpace(c, spaceId);
      return newInvite(c, spaceId);
    });
  }

  public boolean spaceExists(String spaceId) {
    return db.read(c -> SpacesTable.exists(c, spaceId));
  }

  /**
   * The first device joins with the space's invite, which is then used up.
   *
   * @param deviceName how the device calls itself, for listings, or null
   * @throws AccountException {@code UNKNOWN_SPACE}, {@code BAD_INVITE}, {@code BAD_REQUEST}
   */
  public DeviceCredentials joinWithInvite(String spaceId, String invite, String deviceName) {
    Objects.requireNonNull(invite, "invite");
    String name = checkName(deviceName, "device name");
    return db.write(c -> {
      lockSpace(c, spaceId); // two instances given the same invite at once: the second waits, then finds it gone
      InvitesTable.Row row = InvitesTable.find(c, spaceId);
      if (row == null || !Secrets.matches(row.tokenHash(), invite) || row.expiresAtMillis() <= now()) {
        throw new AccountException(Reason.BAD_INVITE,
            "the invite is not valid for this space: it is wrong, expired or already used");
      }
      InvitesTable.delete(c, spaceId);
      return addDevice(c, spaceId, name);
    });
  }

  /**
   * A later device joins with a pairing code from a device of the space; the code is then used up. A wrong code
   * counts against all of the space's codes (see the class comment).
   *
   * @throws AccountException {@code UNKNOWN_SPACE}, {@code BAD_PAIRING_CODE}, {@code BAD_REQUEST}
   */
  public DeviceCredentials joinWithPairingCode(String spaceId, String code, String deviceName) {
    Objects.requireNonNull(code, "code");
    String name = checkName(deviceName, "device name");
    String typed = code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    DeviceCredentials joined = db.write(c -> {
      // Guesses at a space's codes take turns, on every instance: each one sees the failures counted before it.
      lockSpace(c, spaceId);
      PairingCodesTable.deleteSpent(c, spaceId, now(), MAX_PAIRING_FAILURES);
      // Compare with every usable code (a handful at most) rather than look one up by its hash: see Secrets.
      byte[] match = null;
      for (PairingCodesTable.Row row : PairingCodesTable.list(c, spaceId)) {
        if (Secrets.matches(row.codeHash(), typed)) {
          match = row.codeHash();
        }
      }
      if (match == null) {
        PairingCodesTable.countFailure(c, spaceId);
        return null; // committed: the failure must count
      }
      PairingCodesTable.delete(c, spaceId, match);
      return addDevice(c, spaceId, name);
    });
    if (joined == null) {
      throw new AccountException(Reason.BAD_PAIRING_CODE,
          "the pairing code is not valid for this space: it is wrong, expired or already used; ask a device of the"
              + " space for a new one");
    }
    return joined;
  }

  /**
   * A new pairing code, asked for by {@code by}, a device of the space (authenticated by the caller).
   *
   * @throws AccountException {@code REVOKED} if the device was revoked since it was authenticated: a revocation
   *     voids the device's codes, and must void this one too
   */
  public PairingCode createPairingCode(DeviceIdentity by) {
    String code = Secrets.randomSymbols(CODE_ALPHABET, CODE_LENGTH);
    long now = now();
    long expires = now + pairingTtl.toMillis();
    db.write(c -> {
      lockSpace(c, by.spaceId());
      DevicesTable.Row maker = DevicesTable.find(c, by.spaceId(), by.deviceId());
      if (maker == null || maker.revokedAtMillis() != null) {
        throw new AccountException(Reason.REVOKED, "this device was revoked from the space; it must join again");
      }
      PairingCodesTable.deleteSpent(c, by.spaceId(), now, MAX_PAIRING_FAILURES);
      PairingCodesTable.insert(c, by.spaceId(), Secrets.hash(code), by.deviceId(), now, expires);
      PairingCodesTable.keepNewest(c, by.spaceId(), MAX_PAIRING_CODES);
      return null;
    });
    return new PairingCode(code.substring(0, CODE_LENGTH / 2) + "-" + code.substring(CODE_LENGTH / 2),
        Instant.ofEpochMilli(expires));
  }

  /**
   * Who presents {@code token} for the space.
   *
   * @throws AccountException {@code UNKNOWN_SPACE}; {@code BAD_TOKEN} for a token that is not one of this space's
   *     devices'; {@code REVOKED} for a good token of a revoked device
   */
  public DeviceIdentity authenticate(String spaceId, String token) {
    return db.read(c -> {
      requireSpace(c, spaceId);
      if (token == null) {
        throw new AccountException(Reason.BAD_TOKEN, "this needs the device's token: Authorization: Bearer <token>");
      }
      int dot = token.indexOf('.');
      DevicesTable.Row device = dot <= 0 ? null : DevicesTable.find(c, spaceId, token.substring(0, dot));
      if (device == null || !Secrets.matches(device.tokenHash(), token)) {
        throw new AccountException(Reason.BAD_TOKEN, "the bearer token is not a device token of this space");
      }
      if (device.revokedAtMillis() != null) {
        throw new AccountException(Reason.REVOKED, "this device was revoked from the space; it must join again");
      }
      return new DeviceIdentity(spaceId, device.id());
    });
  }

  /** Whether the device is in its space and not revoked. */
  public boolean isActive(DeviceIdentity device) {
    return db.read(c -> {
      DevicesTable.Row row = DevicesTable.find(c, device.spaceId(), device.deviceId());
      return row != null && row.revokedAtMillis() == null;
    });
  }

  /** Every device of the space, revoked ones too, in the order they joined. */
  public List<DeviceInfo> devices(String spaceId) {
    return db.read(c -> {
      requireSpace(c, spaceId);
      return DevicesTable.list(c, spaceId).stream()
          .map(d -> new DeviceInfo(d.id(), d.name(), Instant.ofEpochMilli(d.joinedAtMillis()),
              d.revokedAtMillis() == null ? null : Instant.ofEpochMilli(d.revokedAtMillis())))
          .toList();
    });
  }

  /**
   * Revokes a device: its token is refused from now on, and the pairing codes it made are void. Every
   * {@link #onRevoked} listener hears of it, on this instance and on the others sharing the database, so that its
   * live connections are closed wherever they are.
   *
   * @return true if it was active, false if it was already revoked
   * @throws AccountException {@code UNKNOWN_SPACE}, {@code UNKNOWN_DEVICE}
   */
  public boolean revoke(String spaceId, String deviceId) {
    boolean revoked = db.write(c -> {
      lockSpace(c, spaceId);
      if (DevicesTable.revoke(c, spaceId, deviceId, now())) {
        PairingCodesTable.deleteMadeBy(c, spaceId, deviceId);
        // Inside the transaction: the other instances hear of it when, and only if, it commits.
        db.feed().announce(c, REVOKED_TOPIC, spaceId + " " + deviceId);
        return true;
      }
      if (DevicesTable.find(c, spaceId, deviceId) == null) {
        throw new AccountException(Reason.UNKNOWN_DEVICE, "the space has no device " + deviceId);
      }
      return false;
    });
    if (revoked) {
      DeviceIdentity device = new DeviceIdentity(spaceId, deviceId);
      for (RevocationListener listener : revocationListeners) {
        try {
          listener.revoked(device);
        } catch (RuntimeException e) { // the revocation stands: it is committed, and refused at every request
          log.warn("a revocation listener failed", e);
        }
      }
    }
    return revoked;
  }

  /**
   * Calls {@code listener} whenever a device is revoked, here or (on a shared database) by another instance, until
   * the returned subscription is closed. Revocations made here are told before {@link #revoke} returns; the others'
   * within moments of their commit, on the cluster feed's thread.
   */
  public ClusterFeed.Subscription onRevoked(RevocationListener listener) {
    Objects.requireNonNull(listener, "listener");
    revocationListeners.add(listener);
    ClusterFeed.Subscription elsewhere = db.feed().subscribe(REVOKED_TOPIC, new ClusterFeed.Listener() {
      @Override
      public void heard(String text) {
        int blank = text.indexOf(' ');
        if (blank <= 0 || blank == text.length() - 1) {
          log.warn("ignoring a malformed revocation notice from another instance");
          return;
        }
        listener.revoked(new DeviceIdentity(text.substring(0, blank), text.substring(blank + 1)));
      }

      @Override
      public void mayHaveMissed() {
        listener.mayHaveMissed();
      }
    });
    return () -> {
      revocationListeners.remove(listener);
      elsewhere.close();
    };
  }

  private Invite newInvite(Connection c, String spaceId) throws SQLException {
    String token = Secrets.newToken();
    long expires = now() + inviteTtl.toMillis();
    InvitesTable.put(c, spaceId, Secrets.hash(token), expires);
    return new Invite(spaceId, token, Instant.ofEpochMilli(expires));
  }

  private DeviceCredentials addDevice(Connection c, String spaceId, String name) throws SQLException {
    String deviceId = Secrets.newId();
    String token = deviceId + "." + Secrets.newToken();
    DevicesTable.insert(c, spaceId, deviceId, name, Secrets.hash(token), now());
    return new DeviceCredentials(spaceId, deviceId, token);
  }

  private static void requireSpace(Connection c, String spaceId) throws SQLException {
    if (spaceId == null || !SpacesTable.exists(c, spaceId)) {
      throw unknownSpace(spaceId);
    }
  }

  /** As {@link #requireSpace}, and holds the space until the transaction ends (see {@link SpacesTable#lock}). */
  private void lockSpace(Connection c, String spaceId) throws SQLException {
    if (spaceId == null || !SpacesTable.lock(c, db.dialect(), spaceId)) {
      throw unknownSpace(spaceId);
    }
  }

  private static AccountException unknownSpace(String spaceId) {
    return new AccountException(Reason.UNKNOWN_SPACE, "there is no space " + spaceId + " on this server");
  }

  /** The name stripped, or null if absent or blank. */
  private static String checkName(String name, String what) {
    if (name == null || name.isBlank()) {
      return null;
    }
    String stripped = name.strip();
    if (stripped.codePointCount(0, stripped.length()) > MAX_NAME_CHARS) {
      throw new AccountException(Reason.BAD_REQUEST, "the " + what + " is longer than " + MAX_NAME_CHARS
          + " characters");
    }
    if (stripped.codePoints().anyMatch(Character::isISOControl)) {
      throw new AccountException(Reason.BAD_REQUEST, "the " + what + " has control characters");
    }
    return stripped;
  }

  private long now() {
    return clock.millis();
  }
}
