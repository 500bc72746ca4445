package dev.lattice.server.accounts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.accounts.AccountException.Reason;
import dev.lattice.server.storage.ServerDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The account rules on a real database, with a clock the test moves. */
class AccountsTest {
  @TempDir Path dir;
  private ServerDatabase db;
  private Accounts accounts;
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @BeforeEach
  void open() {
    db = ServerDatabase.openSqlite(dir.resolve("server.db"));
    accounts = Accounts.open(db, clock, Duration.ofDays(7), Duration.ofMinutes(10));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static Reason reason(Runnable call) {
    return assertThrows(AccountException.class, call::run).reason();
  }

  @Test
  void anInviteLetsOneDeviceInBeforeItExpires() {
    Invite invite = accounts.createSpace("family");
    assertEquals(now.plus(Duration.ofDays(7)), invite.expiresAt());
    now = now.plus(Duration.ofDays(7));
    assertEquals(Reason.BAD_INVITE, reason(() -> accounts.joinWithInvite(invite.spaceId(), invite.token(), null)));

    Invite renewed = accounts.renewInvite(invite.spaceId());
    DeviceCredentials joined = accounts.joinWithInvite(invite.spaceId(), renewed.token(), "laptop");
    assertEquals(new DeviceIdentity(invite.spaceId(), joined.deviceId()),
        accounts.authenticate(invite.spaceId(), joined.token()));
    assertEquals(Reason.BAD_INVITE, reason(() -> accounts.joinWithInvite(invite.spaceId(), renewed.token(), null)));
  }

  @Test
  void aPairingCodeIsSingleUseAndShortLived() {
    DeviceIdentity laptop = firstDevice();
    PairingCode expired = accounts.createPairingCode(laptop);
    assertEquals(now.plus(Duration.ofMinutes(10)), expired.expiresAt());
    now = now.plus(Duration.ofMinutes(10));
    assertEquals(Reason.BAD_PAIRING_CODE,
        reason(() -> accounts.joinWithPairingCode(laptop.spaceId(), expired.code(), null)));

    PairingCode code = accounts.createPairingCode(laptop);
    accounts.joinWithPairingCode(laptop.spaceId(), code.code(), "phone");
    assertEquals(Reason.BAD_PAIRING_CODE,
        reason(() -> accounts.joinWithPairingCode(laptop.spaceId(), code.code(), null)));
    assertEquals(2, accounts.devices(laptop.spaceId()).size());
  }

  @Test
  void fiveWrongGuessesVoidTheSpacesCodes() {
    DeviceIdentity laptop = firstDevice();
    PairingCode code = accounts.createPairingCode(laptop);
    for (int i = 0; i < Accounts.MAX_PAIRING_FAILURES; i++) {
      String guess = "ZZZZ-ZZZ" + (i + 2);
      assertEquals(Reason.BAD_PAIRING_CODE, reason(() -> accounts.joinWithPairingCode(laptop.spaceId(), guess, null)));
    }
    assertEquals(Reason.BAD_PAIRING_CODE,
        reason(() -> accounts.joinWithPairingCode(laptop.spaceId(), code.code(), null)));
  }

  @Test
  void aSpaceKeepsOnlyItsNewestCodes() {
    DeviceIdentity laptop = firstDevice();
    List<PairingCode> codes = new ArrayList<>();
    for (int i = 0; i <= Accounts.MAX_PAIRING_CODES; i++) {
      codes.add(accounts.createPairingCode(laptop));
      now = now.plusMillis(1);
    }
    assertEquals(Reason.BAD_PAIRING_CODE,
        reason(() -> accounts.joinWithPairingCode(laptop.spaceId(), codes.get(0).code(), null)), "the oldest went");
    accounts.joinWithPairingCode(laptop.spaceId(), codes.get(codes.size() - 1).code(), null);
  }

  @Test
  void tokensAreCheckedWholeAndRevocationIsFinal() {
    DeviceIdentity laptop = firstDevice();
    DeviceCredentials phone = accounts.joinWithPairingCode(laptop.spaceId(),
        accounts.createPairingCode(laptop).code(), "phone");
    String token = phone.token();
    assertTrue(token.startsWith(phone.deviceId() + "."), "the id selects the hash to compare with");
    assertEquals(43, token.length() - phone.deviceId().length() - 1, "256 bits, base64url");

    String space = laptop.spaceId();
    assertEquals(Reason.BAD_TOKEN, reason(() -> accounts.authenticate(space, token.substring(0, token.length() - 1))));
    assertEquals(Reason.BAD_TOKEN, reason(() -> accounts.authenticate(space, phone.deviceId())));
    assertEquals(Reason.BAD_TOKEN, reason(() -> accounts.authenticate(space, null)));
    assertEquals(Reason.UNKNOWN_SPACE, reason(() -> accounts.authenticate("elsewhere", token)));

    assertTrue(accounts.revoke(space, phone.deviceId()));
    assertFalse(accounts.revoke(space, phone.deviceId()), "already revoked");
    assertEquals(Reason.REVOKED, reason(() -> accounts.authenticate(space, token)));
    assertFalse(accounts.isActive(new DeviceIdentity(space, phone.deviceId())));
    assertTrue(accounts.isActive(laptop));
    DeviceInfo listed = accounts.devices(space).stream().filter(d -> d.deviceId().equals(phone.deviceId()))
        .findFirst().orElseThrow();
    assertTrue(listed.revoked());
    assertEquals(now, listed.revokedAt());
    assertEquals(Reason.UNKNOWN_DEVICE, reason(() -> accounts.revoke(space, "nobody")));
  }

  @Test
  void namesAreCheckedAndOptional() {
    assertEquals(Reason.BAD_REQUEST, reason(() -> accounts.createSpace("x".repeat(101))));
    assertEquals(Reason.BAD_REQUEST, reason(() -> accounts.createSpace("bell\u0007")));
    Invite invite = accounts.createSpace("  ");
    DeviceCredentials device = accounts.joinWithInvite(invite.spaceId(), invite.token(), "  laptop ");
    assertEquals("laptop", accounts.devices(invite.spaceId()).get(0).name());
    assertNotEquals(invite.token(), device.token());
  }

  @Test
  void theDatabaseHoldsHashesNeverSecrets() throws Exception {
    Invite invite = accounts.createSpace(null);
    DeviceCredentials laptop = accounts.joinWithInvite(invite.spaceId(), invite.token(), null);
    Invite unused = accounts.renewInvite(invite.spaceId());
    PairingCode code = accounts.createPairingCode(new DeviceIdentity(invite.spaceId(), laptop.deviceId()));
    String[] admin = new String[1];
    AdminToken.load(db, null, token -> admin[0] = token);
    db.close();

    String stored = allBytes(dir);
    for (String secret : List.of(invite.token(), laptop.token(), unused.token(), code.code(),
        code.code().replace("-", ""), admin[0])) {
      assertFalse(stored.contains(secret), "the database holds a secret");
    }
    assertTrue(stored.contains(laptop.deviceId()), "ids are not secrets, and are there to be found");
  }

  @Test
  void theAdminTokenIsGeneratedOnceOrTakenFromConfiguration() {
    List<String> shown = new ArrayList<>();
    AdminToken generated = AdminToken.load(db, null, shown::add);
    AdminToken again = AdminToken.load(db, null, shown::add);
    assertEquals(1, shown.size(), "generated and shown once");
    assertTrue(generated.matches(shown.get(0)) && again.matches(shown.get(0)));
    assertFalse(generated.matches(null) || generated.matches("") || generated.matches(shown.get(0) + "x"));

    AdminToken configured = AdminToken.load(db, "configured-token-0123456789abcdef0123", shown::add);
    assertTrue(configured.matches("configured-token-0123456789abcdef0123"));
    assertFalse(configured.matches(shown.get(0)), "a configured token replaces the generated one");
    assertArrayEquals(Secrets.hash("a"), Secrets.hash("a"));
  }

  private DeviceIdentity firstDevice() {
    Invite invite = accounts.createSpace(null);
    DeviceCredentials joined = accounts.joinWithInvite(invite.spaceId(), invite.token(), "laptop");
    return new DeviceIdentity(invite.spaceId(), joined.deviceId());
  }

  private static String allBytes(Path dir) throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }
}
