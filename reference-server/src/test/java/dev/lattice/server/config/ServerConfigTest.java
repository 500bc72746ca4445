package dev.lattice.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
  private static final String TOKEN = "0123456789abcdef0123456789abcdef-long-enough";

  @Test
  void theDefaultsServeThisMachineOnly() throws Exception {
    ServerConfig config = ServerConfig.from(List.of(), Map.of());
    assertEquals("127.0.0.1", config.host());
    assertEquals(7420, config.port());
    assertEquals(Path.of("lattice-data"), config.dataDir());
    assertEquals(Path.of("lattice-data", "server.db"), config.databaseFile());
    assertNull(config.adminToken(), "generated at first start");
    assertEquals(Duration.ofMinutes(10), config.pairingTtl());
  }

  @Test
  void variablesSetAndFlagsWin() throws Exception {
    ServerConfig config = ServerConfig.from(
        List.of("--port", "9000", "--data-dir=/srv/lattice", "--pairing-ttl", "5m", "--device-burst", "7",
            "--stable-point-every", "0s"),
        Map.of("LATTICE_PORT", "8000", "LATTICE_HOST", "0.0.0.0", "LATTICE_ADMIN_TOKEN", TOKEN,
            "LATTICE_DEVICE_RATE", "2.5", "LATTICE_MAX_BODY_BYTES", "4096", "LATTICE_STOP_TIMEOUT", "500ms",
            "OTHER", "ignored"));
    assertEquals(9000, config.port(), "the flag wins over its variable");
    assertEquals("0.0.0.0", config.host());
    assertEquals(Path.of("/srv/lattice"), config.dataDir());
    assertEquals(TOKEN, config.adminToken());
    assertEquals(new RateLimit(2.5, 7), config.deviceRate());
    assertEquals(4096, config.maxBodyBytes());
    assertEquals(Duration.ofMinutes(5), config.pairingTtl());
    assertEquals(Duration.ofMillis(500), config.stopTimeout());
    assertEquals(Duration.ZERO, config.stablePointEvery());
    assertEquals(Duration.ofMinutes(1), ServerConfig.defaults().stablePointEvery());
  }

  @Test
  void aBadFlagOrValueNamesItAndNeverEchoesTheToken() {
    assertEquals("unknown flag --prot (see --help)", refused(List.of("--prot", "1")));
    assertEquals("flag --port needs a value: --port <port>", refused(List.of("--port")));
    assertTrue(refused(List.of("--port", "seventy")).startsWith("--port takes <port>: not a whole number"));
    assertTrue(refused(List.of("--port", "70000")).contains("0..65535"));
    assertTrue(refused(List.of("--invite-ttl", "7 days")).contains("7d"));
    assertTrue(refused(List.of("--ip-rate", "0")).contains("positive"));
    assertTrue(refused(List.of("serve")).contains("unexpected argument"));
    String weak = refused(List.of("--admin-token", "hunter2hunter2"));
    assertTrue(weak.contains("at least 32 characters"), weak);
    assertFalse(weak.contains("hunter2"), "the message must not echo the token: " + weak);
  }

  @Test
  void postgresIsAUrlWithCredentialsFromFlagsVariablesOrTheUrl() throws Exception {
    assertNull(ServerConfig.from(List.of(), Map.of()).postgres(), "embedded SQLite unless told");

    ServerConfig fromEnv = ServerConfig.from(List.of(), Map.of("LATTICE_POSTGRES", "jdbc:postgresql://db:5432/lattice",
        "LATTICE_POSTGRES_USER", "lattice", "LATTICE_POSTGRES_PASSWORD", "s3cret-pw"));
    assertEquals(new PostgresConfig("jdbc:postgresql://db:5432/lattice", "lattice", "s3cret-pw"), fromEnv.postgres());

    // A user given before its database is still applied to it; a flag wins over its variable.
    ServerConfig fromFlags = ServerConfig.from(
        List.of("--postgres-user", "ops", "--postgres", "jdbc:postgresql://db/lattice?sslmode=require"),
        Map.of("LATTICE_POSTGRES_USER", "lattice"));
    assertEquals(new PostgresConfig("jdbc:postgresql://db/lattice?sslmode=require", "ops", null),
        fromFlags.postgres());

    ServerConfig inUrl = ServerConfig.from(
        List.of("--postgres", "jdbc:postgresql://db/lattice?user=u&password=in-url-pw&ssl=true"), Map.of());
    assertNull(inUrl.postgres().user(), "the driver reads them from the URL");
    assertEquals("jdbc:postgresql://db/lattice?user=u&password=***&ssl=true", inUrl.postgres().redactedUrl());
  }

  @Test
  void aBadPostgresSettingIsNamedAndNoPasswordIsShown() {
    String notPostgres = refused(List.of("--postgres", "jdbc:mysql://db/lattice?password=hunter2hunter2"));
    assertTrue(notPostgres.startsWith("--postgres takes <jdbc url>: not a PostgreSQL JDBC URL"), notPostgres);
    assertFalse(notPostgres.contains("hunter2"), notPostgres);
    String alone = refused(List.of("--postgres-password", "hunter2hunter2"));
    assertTrue(alone.contains("--postgres <jdbc url>"), alone);
    assertFalse(alone.contains("hunter2"), alone);

    ServerConfig config = ServerConfig.defaults().withPostgres(
        new PostgresConfig("jdbc:postgresql://db/lattice?password=in-url-pw", "lattice", "flag-pw"));
    assertFalse(config.toString().contains("in-url-pw") || config.toString().contains("flag-pw"), config.toString());
    assertTrue(config.toString().contains("jdbc:postgresql://db/lattice"), config.toString());
  }

  @Test
  void theTokenStaysOutOfTheConfigurationsText() {
    ServerConfig config = ServerConfig.defaults().withAdminToken(TOKEN);
    assertFalse(config.toString().contains(TOKEN), config.toString());
    assertTrue(config.toString().contains("adminToken=configured"));
  }

  @Test
  void helpListsEveryFlagWithItsVariable() {
    assertTrue(ServerConfig.wantsHelp(List.of("--port", "1", "--help")));
    assertFalse(ServerConfig.wantsHelp(List.of("--port", "1")));
    String usage = ServerConfig.usage();
    for (String flag : List.of("host", "port", "data-dir", "admin-token", "max-body-bytes", "device-rate",
        "device-burst", "ip-rate", "ip-burst", "invite-ttl", "pairing-ttl", "live-idle-timeout", "stop-timeout",
        "stable-point-every",
        "postgres", "postgres-user", "postgres-password")) {
      assertTrue(usage.contains("--" + flag + " "), flag);
      assertTrue(usage.contains("LATTICE_" + flag.toUpperCase().replace('-', '_')), flag);
    }
  }

  private static String refused(List<String> args) {
    return assertThrows(ConfigException.class, () -> ServerConfig.from(args, Map.of())).getMessage();
  }
}
