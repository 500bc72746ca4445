package dev.lattice.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the server runs: where it listens, where it keeps its data, its limits. Read from flags and environment
 * variables ({@link #from}); every flag {@code --some-name} has the variable {@code LATTICE_SOME_NAME}, and a flag wins
 * over its variable. {@link #usage()} lists them all.
 *
 * @param host the address to listen on; the default, {@code 127.0.0.1}, serves this machine only
 * @param port the port, or 0 for any free one
 * @param dataDir where the server keeps its databases ({@code server.db}, {@code relay.db}) unless on PostgreSQL,
 *     created if missing
 * @param adminToken the operator's bearer token, or null to use the one generated at first start
 * @param maxBodyBytes the largest sync request body and live message accepted
 * @param deviceRate requests each device may make
 * @param ipRate unauthenticated attempts (joins, admin calls, failed authentications) each client address may make
 * @param inviteTtl how long a space's invite stays usable
 * @param pairingTtl how long a pairing code stays usable
 * @param liveIdleTimeout how long a live connection may be silent; the server pings at half this interval
 * @param stopTimeout how long stopping waits for requests in progress
 * @param stablePointEvery how often at most each device's vector is recorded from its hellos, to find the space's
 *     stable point (below which tombstones are dropped); zero records every hello. Longer means fewer writes and
 *     tombstones that go later
 * @param postgres the PostgreSQL database that holds the accounts and the relay, shared by any number of instances;
 *     null to keep both in embedded SQLite under {@code dataDir}
 * @param tls the certificate and key to serve HTTPS with, directly; {@link TlsFiles#enabled() neither} for plain HTTP
 *     (behind a TLS proxy, or on loopback)
 * @param trustedProxies the proxies whose forwarding headers name the client, for the per-address rate limit;
 *     {@link TrustedProxies#NONE} by default: the peer address is the client
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    String adminToken,
    int maxBodyBytes,
    RateLimit deviceRate,
    RateLimit ipRate,
    Duration inviteTtl,
    Duration pairingTtl,
    Duration liveIdleTimeout,
    Duration stopTimeout,
    Duration stablePointEvery,
    PostgresConfig postgres,
    TlsFiles tls,
    TrustedProxies trustedProxies) {

  /** The port a server listens on unless told otherwise. */
  public static final int DEFAULT_PORT = 7420;

  /** The shortest admin token accepted from configuration: a guessable one would open every space. */
  public static final int MIN_ADMIN_TOKEN_CHARS = 32;

  /** The protocol's largest message (16 MiB) plus room for the framing around it, as the peer server allows. */
  public static final int DEFAULT_MAX_BODY_BYTES = (16 << 20) + (64 << 10);

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    Objects.requireNonNull(dataDir, "dataDir");
    if (adminToken != null && adminToken.strip().length() < MIN_ADMIN_TOKEN_CHARS) {
      throw new IllegalArgumentException("the admin token must have at least " + MIN_ADMIN_TOKEN_CHARS
          + " characters (make one with: openssl rand -base64 32)");
    }
    adminToken = adminToken == null ? null : adminToken.strip();
    // The body is read into one array with one byte of look-ahead.
    if (maxBodyBytes < 1024 || maxBodyBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("max body bytes must be at least 1024 and fit an array, was " + maxBodyBytes);
    }
    Objects.requireNonNull(deviceRate, "deviceRate");
    Objects.requireNonNull(ipRate, "ipRate");
    requirePositive(inviteTtl, "inviteTtl");
    requirePositive(pairingTtl, "pairingTtl");
    requirePositive(liveIdleTimeout, "liveIdleTimeout");
    requirePositive(stopTimeout, "stopTimeout");
    Objects.requireNonNull(stablePointEvery, "stablePointEvery");
    if (stablePointEvery.isNegative()) {
      throw new IllegalArgumentException("stablePointEvery must not be negative, was " + stablePointEvery);
    }
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(trustedProxies, "trustedProxies");
  }

  /**
   * Loopback on {@value #DEFAULT_PORT}, data in embedded SQLite under {@code ./lattice-data}, a generated admin token,
   * default limits.
   */
  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", DEFAULT_PORT, Path.of("lattice-data"), null, DEFAULT_MAX_BODY_BYTES,
        new RateLimit(20, 100), new RateLimit(2, 20), Duration.ofDays(7), Duration.ofMinutes(10),
        Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMinutes(1), null, TlsFiles.NONE,
        TrustedProxies.NONE);
  }

  /**
   * The configuration that {@code args} and {@code env} describe, over {@link #defaults()}.
   *
   * @param args flags: {@code --name value} or {@code --name=value}
   * @param env environment variables ({@code System.getenv()}); only {@code LATTICE_*} ones are read
   * @throws ConfigException naming the flag or variable that is unknown or has a bad value
   */
  public static ServerConfig from(List<String> args, Map<String, String> env) throws ConfigException {
    return ConfigFlags.apply(defaults(), args, env);
  }

  /** Whether {@code args} ask for the usage text rather than a server. */
  public static boolean wantsHelp(List<String> args) {
    return args.contains("--help") || args.contains("-h");
  }

  /** The flags, their variables and defaults, for {@code --help}. */
  public static String usage() {
    return ConfigFlags.usage();
  }

  /** The accounts' database file under {@link #dataDir()}, when not on PostgreSQL. */
  public Path databaseFile() {
    return dataDir.resolve("server.db");
  }

  public ServerConfig withHost(String host) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withPort(int port) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withDataDir(Path dataDir) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withAdminToken(String adminToken) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withMaxBodyBytes(int maxBodyBytes) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withDeviceRate(RateLimit deviceRate) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withIpRate(RateLimit ipRate) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withInviteTtl(Duration inviteTtl) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withPairingTtl(Duration pairingTtl) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withLiveIdleTimeout(Duration liveIdleTimeout) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withStopTimeout(Duration stopTimeout) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  /** The same, with its data in {@code postgres} (null: embedded SQLite under the data directory). */
  public ServerConfig withStablePointEvery(Duration stablePointEvery) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withPostgres(PostgresConfig postgres) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  /** The same, serving HTTPS with these files ({@link TlsFiles#of}). */
  public ServerConfig withTls(TlsFiles tls) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  public ServerConfig withTrustedProxies(TrustedProxies trustedProxies) {
    return new ServerConfig(host, port, dataDir, adminToken, maxBodyBytes, deviceRate, ipRate, inviteTtl, pairingTtl,
        liveIdleTimeout, stopTimeout, stablePointEvery, postgres, tls, trustedProxies);
  }

  /** Everything but the admin token and the database password, which must not reach a log. */
  @Override
  public String toString() {
    return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", adminToken="
        + (adminToken == null ? "generated" : "configured") + ", maxBodyBytes=" + maxBodyBytes + ", deviceRate="
        + deviceRate + ", ipRate=" + ipRate + ", inviteTtl=" + inviteTtl + ", pairingTtl=" + pairingTtl
        + ", liveIdleTimeout=" + liveIdleTimeout + ", stopTimeout=" + stopTimeout + ", stablePointEvery=" + stablePointEvery
        + ", postgres=" + postgres + ", tls=" + tls + ", trustedProxies=" + trustedProxies + "]";
  }

  private static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + duration);
    }
  }
}
