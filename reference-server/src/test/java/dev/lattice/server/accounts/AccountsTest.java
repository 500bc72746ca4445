package dev.lattice.server.accounts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.accounts.AccountException.Reason;
import dev.lattice.server.storage.ClusterFeed;
import dev.lattice.server.storage.ServerDatabase;
import dev.lattice.server.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account rules on a real database, with a clock the test moves: embedded SQLite here, PostgreSQL in
 * {@link PostgresAccountsTest}. A second handle on the same database stands for a second server instance.
 */
class AccountsTest {
  @TempDir Path dir;
  ServerDatabase db;
  Accounts accounts;
  private final List<ServerDatabase> others = new ArrayList<>();
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

  /** The database under test; each call opens another handle on the same one, as another server instance would. */
  ServerDatabase openDatabase() {
    return ServerDatabase.openSqlite(dir.resolve("server.db"));
  }

  /** Everything the database stored (files, logs), as text that keeps every byte; after {@link #db} is closed. */
  String storedBytes() throws Exception {
    return allBytes(dir);
  }

  @BeforeEach
  void open() {
    db = openDatabase();
    accounts = Accounts.open(db, clock, Duration.ofDays(7), Duration.ofMinutes(10));
  }

  @AfterEach
  void close() {
    others.forEach(ServerDatabase::close);
    db.close();
  }

  /** The accounts as a second server instance on the same database sees them. */
  Accounts secondInstance() {
    ServerDatabase second = openDatabase();
    others.add(second);
    return Accounts.open(second, clock, Duration.ofDays(7), Duration.ofMinutes(10));
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

    String stored = storedBytes();
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

  @Test
  void anInviteLetsExactlyOneDeviceInWhenInstancesRaceForIt() throws Exception {
    Invite invite = accounts.createSpace(null);

    List<Object> outcomes = race(accounts, secondInstance(), 8,
        on -> on.joinWithInvite(invite.spaceId(), invite.token(), null));

    assertEquals(1, outcomes.stream().filter(DeviceCredentials.class::isInstance).count(), outcomes.toString());
    assertEquals(7, outcomes.stream().filter(Reason.BAD_INVITE::equals).count(), outcomes.toString());
    assertEquals(1, accounts.devices(invite.spaceId()).size());
  }

  @Test
  void aPairingCodeLetsExactlyOneDeviceInWhenInstancesRaceForIt() throws Exception {
    DeviceIdentity laptop = firstDevice();
    PairingCode code = accounts.createPairingCode(laptop);

    List<Object> outcomes = race(accounts, secondInstance(), 8,
        on -> on.joinWithPairingCode(laptop.spaceId(), code.code(), null));

    assertEquals(1, outcomes.stream().filter(DeviceCredentials.class::isInstance).count(), outcomes.toString());
    assertEquals(7, outcomes.stream().filter(Reason.BAD_PAIRING_CODE::equals).count(), outcomes.toString());
    assertEquals(2, accounts.devices(laptop.spaceId()).size());
  }

  @Test
  void wrongGuessesOnEveryInstanceCountAgainstTheSpacesCodes() throws Exception {
    DeviceIdentity laptop = firstDevice();
    PairingCode code = accounts.createPairingCode(laptop);
    Accounts other = secondInstance();

    List<Object> outcomes = race(accounts, other, Accounts.MAX_PAIRING_FAILURES,
        on -> on.joinWithPairingCode(laptop.spaceId(), "2222-2222", null));

    assertEquals(Collections.nCopies(Accounts.MAX_PAIRING_FAILURES, Reason.BAD_PAIRING_CODE), outcomes);
    assertEquals(Reason.BAD_PAIRING_CODE,
        reason(() -> other.joinWithPairingCode(laptop.spaceId(), code.code(), null)), "every guess was counted");
  }

  @Test
  void aDeviceRevokedAfterItWasAuthenticatedMakesNoCode() {
    DeviceIdentity laptop = firstDevice();
    DeviceCredentials phone = accounts.joinWithPairingCode(laptop.spaceId(),
        accounts.createPairingCode(laptop).code(), "phone");
    DeviceIdentity authenticated = accounts.authenticate(laptop.spaceId(), phone.token());

    secondInstance().revoke(laptop.spaceId(), phone.deviceId()); // between its authentication and its request

    assertEquals(Reason.REVOKED, reason(() -> accounts.createPairingCode(authenticated)));
  }

  @Test
  void aRevocationIsToldToListenersBeforeRevokeReturns() {
    DeviceIdentity laptop = firstDevice();
    String phone = accounts.joinWithPairingCode(laptop.spaceId(), accounts.createPairingCode(laptop).code(), null)
        .deviceId();
    List<DeviceIdentity> heard = new CopyOnWriteArrayList<>();
    try (ClusterFeed.Subscription subscription = accounts.onRevoked(listener(heard))) {
      accounts.revoke(laptop.spaceId(), laptop.deviceId());
      accounts.revoke(laptop.spaceId(), laptop.deviceId()); // already revoked: nothing to tell
      assertEquals(List.of(laptop), heard);
    }
    accounts.revoke(laptop.spaceId(), phone);
    assertEquals(List.of(laptop), heard, "a closed subscription hears nothing more");
  }

  @Test
  void theSchemaIsVersionedReopeningChangesNothingAndANewerOneIsRefused() {
    Invite invite = accounts.createSpace("kept");
    Accounts.open(db, clock, Duration.ofDays(7), Duration.ofMinutes(10)); // a restart
    assertTrue(accounts.spaceExists(invite.spaceId()));
    assertEquals(AccountsSchema.VERSION, (int) db.read(AccountsSchema::version));

    db.write(c -> {
      SettingsTable.put(c, AccountsSchema.VERSION_SETTING, "2".getBytes(StandardCharsets.US_ASCII));
      return null;
    });
    StorageException newer = assertThrows(StorageException.class,
        () -> Accounts.open(db, clock, Duration.ofDays(7), Duration.ofMinutes(10)));
    assertTrue(newer.getMessage().contains("newer"), newer.getMessage());
  }

  @Test
  void instancesStartingTogetherShowOneGeneratedAdminToken() throws Exception {
    List<String> shown = new CopyOnWriteArrayList<>();
    List<Object> tokens = race(db, secondInstanceDatabase(), 4, on -> AdminToken.load(on, null, shown::add));

    assertEquals(1, shown.size(), "generated and shown once, by one instance");
    for (Object token : tokens) {
      assertTrue(((AdminToken) token).matches(shown.get(0)), "every instance accepts the token shown");
    }
  }

  static RevocationListener listener(List<DeviceIdentity> heard) {
    return new RevocationListener() {
      @Override
      public void revoked(DeviceIdentity device) {
        heard.add(device);
      }

      @Override
      public void mayHaveMissed() {}
    };
  }

  private ServerDatabase secondInstanceDatabase() {
    ServerDatabase second = openDatabase();
    others.add(second);
    return second;
  }

  /**
   * Makes {@code attempts} calls at once, alternately on {@code mine} and {@code other} (two instances' handles on one
   * database), and returns each call's result, or the reason it was refused.
   */
  private static <T> List<Object> race(T mine, T other, int attempts, Function<T, Object> call) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(attempts);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Object>> calls = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        T on = i % 2 == 0 ? mine : other;
        calls.add(threads.submit(() -> {
          go.await();
          try {
            return call.apply(on);
          } catch (AccountException e) {
            return e.reason();
          }
        }));
      }
      go.countDown();
      List<Object> outcomes = new ArrayList<>();
      for (Future<Object> outcome : calls) {
        outcomes.add(outcome.get(30, TimeUnit.SECONDS));
      }
      return outcomes;
    } finally {
      threads.shutdownNow();
    }
  }

  DeviceIdentity firstDevice() {
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
