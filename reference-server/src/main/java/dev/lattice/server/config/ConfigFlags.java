package dev.lattice.server.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's flags: each one's name, environment variable, help and how it changes a {@link ServerConfig}. One
 * table serves parsing and {@code --help}, so the two cannot disagree.
 */
final class ConfigFlags {
  /** How a flag's value changes the configuration; throws IllegalArgumentException for a bad value. */
  @FunctionalInterface
  private interface Setter {
    ServerConfig apply(ServerConfig config, String value);
  }

  private record Flag(String name, String value, String help, Setter setter) {
    String env() {
      return "LATTICE_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private static final List<Flag> FLAGS = List.of(
      new Flag("host", "<address>", "address to listen on; 0.0.0.0 for every interface (default 127.0.0.1)",
          ServerConfig::withHost),
      new Flag("port", "<port>", "port to listen on, 0 for any free one (default " + ServerConfig.DEFAULT_PORT + ")",
          (c, v) -> c.withPort(integer(v))),
      new Flag("data-dir", "<dir>", "where the server keeps its databases, unless on PostgreSQL (default"
          + " ./lattice-data)", (c, v) -> c.withDataDir(path(v))),
      new Flag("admin-token", "<token>", "the operator's bearer token, at least " + ServerConfig.MIN_ADMIN_TOKEN_CHARS
          + " characters; prefer the variable, flags show in ps (default: generated at first start, printed once)",
          ServerConfig::withAdminToken),
      new Flag("max-body-bytes", "<bytes>", "largest sync request or live message (default "
          + ServerConfig.DEFAULT_MAX_BODY_BYTES + ")", (c, v) -> c.withMaxBodyBytes(integer(v))),
      new Flag("device-rate", "<per-second>", "requests a second each device may make (default 20)",
          (c, v) -> c.withDeviceRate(c.deviceRate().withPerSecond(decimal(v)))),
      new Flag("device-burst", "<requests>", "requests a device may make at once (default 100)",
          (c, v) -> c.withDeviceRate(c.deviceRate().withBurst(integer(v)))),
      new Flag("ip-rate", "<per-second>", "joins, admin calls and failed authentications a second per client address"
          + " (default 2)", (c, v) -> c.withIpRate(c.ipRate().withPerSecond(decimal(v)))),
      new Flag("ip-burst", "<requests>", "of those, how many at once (default 20)",
          (c, v) -> c.withIpRate(c.ipRate().withBurst(integer(v)))),
      new Flag("invite-ttl", "<duration>", "how long a space's invite stays usable (default 7d)",
          (c, v) -> c.withInviteTtl(duration(v))),
      new Flag("pairing-ttl", "<duration>", "how long a pairing code stays usable (default 10m)",
          (c, v) -> c.withPairingTtl(duration(v))),
      new Flag("live-idle-timeout", "<duration>", "how long a live connection may be silent (default 1m)",
          (c, v) -> c.withLiveIdleTimeout(duration(v))),
      new Flag("stop-timeout", "<duration>", "how long stopping waits for requests in progress (default 10s)",
          (c, v) -> c.withStopTimeout(duration(v))),
      new Flag("stable-point-every", "<duration>", "how often at most a device's hello is recorded to find which"
          + " tombstones every device holds; 0s records every hello (default 1m)",
          (c, v) -> c.withStablePointEvery(duration(v))),
      new Flag("tls-cert", "<pem file>", "serve HTTPS with this certificate chain (PEM), directly, without a TLS proxy;"
          + " needs --tls-key (default: plain HTTP)", (c, v) -> c.withTls(c.tls().withCertificate(path(v)))),
      new Flag("tls-key", "<pem file>", "the certificate's private key (PEM, unencrypted; keep the file readable by the"
          + " server only)", (c, v) -> c.withTls(c.tls().withPrivateKey(path(v)))),
      new Flag("trusted-proxies", "<addresses>", "proxies (addresses or CIDRs, comma-separated) whose forwarding"
          + " header names the client for the per-address rate limit (default: none, the peer is the client)",
          (c, v) -> c.withTrustedProxies(TrustedProxies.parse(v).withHeader(c.trustedProxies().header()))),
      new Flag("forwarded-header", "<name>", "the header those proxies write: X-Forwarded-For or Forwarded (default"
          + " X-Forwarded-For)", (c, v) -> c.withTrustedProxies(c.trustedProxies().withHeader(v))),
      new Flag("postgres", "<jdbc url>", "keep the data in this PostgreSQL database, not the data directory; any"
          + " number of instances may share it (e.g. jdbc:postgresql://db:5432/lattice)",
          (c, v) -> c.withPostgres(PostgresConfig.of(v))),
      new Flag("postgres-user", "<role>", "the role to connect to PostgreSQL as (default: from the URL)",
          (c, v) -> c.withPostgres(postgres(c).withUser(v))),
      new Flag("postgres-password", "<password>", "its password; prefer the variable, flags show in ps (default:"
          + " from the URL)", (c, v) -> c.withPostgres(postgres(c).withPassword(v))));

  /** A flag's value and where it came from, for messages. */
  private record Setting(String value, String source) {}

  private ConfigFlags() {}

  /**
   * {@code base} changed by the variables in {@code env} and the flags in {@code args}; a flag wins over its variable.
   * Values are applied in the order of the table, whatever order they were given in, so that a flag may build on one
   * listed before it ({@code --postgres-user} on {@code --postgres}).
   */
  static ServerConfig apply(ServerConfig base, List<String> args, Map<String, String> env) throws ConfigException {
    Map<Flag, Setting> chosen = new HashMap<>();
    for (Flag flag : FLAGS) {
      String value = env.get(flag.env());
      if (value != null) {
        chosen.put(flag, new Setting(value, flag.env()));
      }
    }
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new ConfigException("unexpected argument '" + arg + "': flags look like --port 7420 (see --help)");
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
      Flag flag = FLAGS.stream().filter(f -> f.name().equals(name)).findFirst()
          .orElseThrow(() -> new ConfigException("unknown flag --" + name + " (see --help)"));
      String value;
      if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new ConfigException("flag --" + name + " needs a value: --" + name + " " + flag.value());
      }
      chosen.put(flag, new Setting(value, "--" + name));
    }
    ServerConfig config = base;
    for (Flag flag : FLAGS) {
      Setting setting = chosen.get(flag);
      if (setting != null) {
        config = set(config, flag, setting.value(), setting.source());
      }
    }
    String halfTls = config.tls().missing();
    if (halfTls != null) {
      throw new ConfigException(halfTls);
    }
    return config;
  }

  private static ServerConfig set(ServerConfig config, Flag flag, String value, String source)
      throws ConfigException {
    try {
      return flag.setter().apply(config, value.strip());
    } catch (IllegalArgumentException e) {
      // The message names the flag, never the value: it may be the admin token or a password.
      throw new ConfigException(source + " takes " + flag.value() + ": " + e.getMessage());
    }
  }

  static String usage() {
    StringBuilder text = new StringBuilder("Usage: lattice serve [flags]\n\n"
        + "Serves Lattice sync: spaces, devices and their changes, over HTTP and WebSocket.\n"
        + "Each flag can also be set by its environment variable; a flag wins.\n\n");
    for (Flag flag : FLAGS) {
      text.append(String.format(Locale.ROOT, "  --%-18s %-13s %s%n  %-34s %s%n", flag.name(), flag.value(),
          flag.help(), "", flag.env()));
    }
    text.append(String.format(Locale.ROOT, "  --%-32s %s%n", "help", "print this text"));
    text.append("\nDurations are a number and a unit: 500ms, 30s, 10m, 2h, 7d.\n");
    text.append("\nStorage: embedded SQLite under the data directory by default, for one instance. With --postgres,"
        + " the accounts\nand every space's changes live in that database (tables created or migrated at start), and"
        + " any number of\ninstances started with the same --postgres serve the same spaces behind a load balancer:"
        + " they hear each\nother's changes and revocations through LISTEN/NOTIFY.\n");
    return text.toString();
  }

  /** The PostgreSQL database already configured: a user or password alone means nothing. */
  private static PostgresConfig postgres(ServerConfig config) {
    if (config.postgres() == null) {
      throw new IllegalArgumentException("set the database too: --postgres <jdbc url> (LATTICE_POSTGRES)");
    }
    return config.postgres();
  }

  private static int integer(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number: '" + value + "'");
    }
  }

  private static double decimal(String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: '" + value + "'");
    }
  }

  private static Path path(String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("an empty path");
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  static Duration duration(String value) {
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: '" + value + "' (use e.g. 500ms, 30s, 10m, 2h, 7d)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
