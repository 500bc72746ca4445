package dev.lattice.server;

import dev.lattice.server.accounts.AccountException;
import dev.lattice.server.accounts.Accounts;
import dev.lattice.server.accounts.AdminToken;
import dev.lattice.server.accounts.DeviceInfo;
import dev.lattice.server.config.ConfigException;
import dev.lattice.server.config.PostgresConfig;
import dev.lattice.server.config.ServerConfig;
import dev.lattice.server.http.HttpServer;
import dev.lattice.server.ops.Health;
import dev.lattice.server.ops.Metrics;
import dev.lattice.server.relay.RelayDatabase;
import dev.lattice.server.relay.RelaySyncs;
import dev.lattice.server.storage.Dialect;
import dev.lattice.server.storage.ServerDatabase;
import dev.lattice.server.storage.StorageException;
import dev.lattice.sync.session.SyncOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lattice reference server: devices of a space sync through it when they are not on the same network.
 *
 * <pre>{@code
 * try (LatticeServer server = LatticeServer.startWithRelay(ServerConfig.defaults())) {
 *   System.out.println("serving on " + server.uri());
 *   ...
 * }
 * }</pre>
 *
 * <p>It keeps accounts (spaces, devices, invites, pairing codes) in {@code server.db} under the data directory, or in
 * the PostgreSQL database of {@link ServerConfig#postgres()}, serves the sync protocol of each space from a
 * {@link SpaceSyncs} (the relay's, or any other given to {@link #start(ServerConfig, SpaceSyncs)}), and offers
 * {@code /health}, {@code /metrics} and {@code /openapi.json} to operators. From the command line:
 * {@code lattice serve --help} (the {@code cli} module, which also brings the logging backend: this one logs through
 * SLF4J only).
 *
 * <p>On PostgreSQL, any number of instances started with the same database serve the same spaces, behind a load
 * balancer: every request is authenticated against the database, and the instances hear each other's commits and
 * revocations (the database's {@link dev.lattice.server.storage.ClusterFeed}), so a change pushed to one reaches the
 * devices live on the others, and a device revoked on one loses its connections on all.
 */
public final class LatticeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LatticeServer.class);

  private final ServerDatabase database;
  private final Metrics metrics;
  private final HttpServer http;
  private final SpaceSyncs syncs;
  private boolean closed;

  private LatticeServer(ServerDatabase database, Metrics metrics, HttpServer http, SpaceSyncs syncs) {
    this.database = database;
    this.metrics = metrics;
    this.http = http;
    this.syncs = syncs;
  }

  /**
   * Opens the server's database (creating or migrating its tables if needed) and starts serving; returns once
   * connections are accepted. A generated admin token is printed to standard output, once, at the first start.
   *
   * @param syncs serves each space's protocol; the server owns it from here on and closes it in {@link #close()}
   *     (if this method throws, it stays the caller's)
   * @throws IOException if the address cannot be listened on ({@link java.net.BindException}), or the TLS
   *     certificate or key cannot be served with ({@link dev.lattice.server.http.TlsException})
   * @throws StorageException if the database cannot be opened
   */
  public static LatticeServer start(ServerConfig config, SpaceSyncs syncs) throws IOException {
    return start(config, syncs, System.out);
  }

  /** As {@link #start(ServerConfig, SpaceSyncs)}, showing a generated admin token on {@code console}. */
  static LatticeServer start(ServerConfig config, SpaceSyncs syncs, PrintStream console) throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(syncs, "syncs");
    HttpServer.checkTls(config); // before a database is made, or an admin token generated, for nothing
    return start(config, openDatabase(config), syncs, console);
  }

  /** Serves from {@code database}, which the server owns from here on: closed in close(), or if this throws. */
  private static LatticeServer start(ServerConfig config, ServerDatabase database, SpaceSyncs syncs,
      PrintStream console) throws IOException {
    Metrics metrics = null;
    try {
      Accounts accounts = Accounts.open(database, Clock.systemUTC(), config.inviteTtl(), config.pairingTtl());
      syncs.knowMembers(spaceId -> activeDevices(accounts, spaceId));
      AdminToken adminToken = AdminToken.load(database, config.adminToken(), token -> showAdminToken(console, token));
      metrics = new Metrics();
      metrics.countChangesStored(syncs::changesStored);
      HttpServer http = HttpServer.start(config, database, accounts, adminToken, syncs, metrics,
          health(database, syncs));
      log.atInfo().addKeyValue("address", http.uri().toString()).addKeyValue("storage", storage(config))
          .log("serving");
      return new LatticeServer(database, metrics, http, syncs);
    } catch (IOException | RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      database.close();
      throw e;
    }
  }

  /** The space's devices that are not revoked; none for a space the accounts do not know (deleted, or never made). */
  private static Set<String> activeDevices(Accounts accounts, String spaceId) {
    try {
      return accounts.devices(spaceId).stream().filter(d -> !d.revoked()).map(DeviceInfo::deviceId)
          .collect(Collectors.toUnmodifiableSet());
    } catch (AccountException e) {
      if (e.reason() == AccountException.Reason.UNKNOWN_SPACE) {
        return Set.of();
      }
      throw e;
    }
  }

  private static ServerDatabase openDatabase(ServerConfig config) {
    PostgresConfig postgres = config.postgres();
    return postgres == null
        ? ServerDatabase.openSqlite(config.databaseFile())
        : ServerDatabase.openPostgres(postgres.jdbcUrl(), postgres.user(), postgres.password());
  }

  /** Ready when the accounts and the spaces can be read, and (on a shared database) the other instances heard. */
  private static Health health(ServerDatabase database, SpaceSyncs syncs) {
    Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
    checks.put("storage", database::isReachable);
    checks.put("relay", syncs::isReachable);
    if (database.dialect() == Dialect.POSTGRES) {
      // Deaf to the other instances, this one would serve stale trees and keep revoked devices' sockets open.
      checks.put("feed", database.feed()::isListening);
    }
    return new Health(checks);
  }

  /** Where the data is, for people: the data directory, or the database (its password hidden). */
  private static String storage(ServerConfig config) {
    return config.postgres() == null
        ? config.dataDir().toAbsolutePath().toString()
        : "PostgreSQL " + config.postgres().redactedUrl();
  }

  private static void showAdminToken(PrintStream console, String token) {
    console.println("Generated the admin token (shown this once; only its hash is stored):");
    console.println();
    console.println("    " + token);
    console.println();
    console.println("Keep it: it creates spaces and revokes devices. To use another, start with LATTICE_ADMIN_TOKEN.");
    console.flush();
  }

  /** The base address devices use, e.g. {@code http://127.0.0.1:7420}. */
  public URI uri() {
    return http.uri();
  }

  /** The port listened on: the one configured, or the one chosen for port 0. */
  public int port() {
    return http.port();
  }

  /** The server's database: for tests that take the storage away, or read it. */
  ServerDatabase database() {
    return database;
  }

  /** The space syncs: for tests that take their storage away. */
  SpaceSyncs syncs() {
    return syncs;
  }

  /**
   * Stops gracefully: live connections are closed (1001), no new connection is accepted, requests in progress finish
   * (up to the stop timeout), then the space syncs, metrics and database are closed. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      http.close();
    } finally {
      try {
        syncs.close();
      } finally {
        metrics.close();
        database.close();
        log.atInfo().addKeyValue("address", http.uri().toString()).log("stopped");
      }
    }
  }

  /**
   * Starts the server as {@code lattice serve} does: every space kept by the relay. On embedded SQLite, the relay has
   * a database of its own, {@code relay.db} beside the accounts' {@code server.db} in the data directory (SQLite has
   * one writer at a time: syncs then never wait for account changes). On PostgreSQL, the relay's tables live in the
   * same database as the accounts, on one pool and one feed.
   *
   * @throws IOException if the address cannot be listened on ({@link java.net.BindException}), or the TLS
   *     certificate or key cannot be served with ({@link dev.lattice.server.http.TlsException})
   * @throws SQLException if the relay's database cannot be opened
   * @throws StorageException if the accounts' database cannot be opened
   */
  public static LatticeServer startWithRelay(ServerConfig config) throws IOException, SQLException {
    HttpServer.checkTls(config); // before a database is made, or an admin token generated, for nothing
    if (config.postgres() == null) {
      Files.createDirectories(config.dataDir());
      RelayDatabase relay = RelayDatabase.openSqlite(config.dataDir().resolve("relay.db"));
      relay.recordDeviceVectorsEvery(config.stablePointEvery());
      RelaySyncs syncs = new RelaySyncs(relay, SyncOptions.DEFAULTS);
      try {
        return start(config, syncs);
      } catch (IOException | RuntimeException e) {
        syncs.close();
        throw e;
      }
    }
    ServerDatabase database = openDatabase(config);
    RelaySyncs syncs;
    try {
      RelayDatabase relay = RelayDatabase.in(database, Clock.systemUTC());
      relay.recordDeviceVectorsEvery(config.stablePointEvery());
      syncs = new RelaySyncs(relay, SyncOptions.DEFAULTS);
    } catch (SQLException | RuntimeException e) {
      database.close();
      throw e;
    }
    try {
      return start(config, database, syncs, System.out);
    } catch (IOException | RuntimeException e) {
      syncs.close(); // the database is closed already
      throw e;
    }
  }

  /** {@code lattice serve}: flags and {@code LATTICE_*} variables as {@code --help} lists them. */
  public static void main(String[] args) {
    List<String> arguments = List.of(args);
    if (ServerConfig.wantsHelp(arguments)) {
      System.out.print(ServerConfig.usage());
      return;
    }
    ServerConfig config;
    try {
      config = ServerConfig.from(arguments, System.getenv());
    } catch (ConfigException e) {
      System.err.println("lattice serve: " + e.getMessage());
      System.exit(2);
      return;
    }
    LatticeServer server;
    try {
      server = startWithRelay(config);
    } catch (IOException | SQLException | StorageException e) {
      System.err.println("lattice serve: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "lattice-server-shutdown"));
    System.out.println("Lattice server listening on " + server.uri() + ", data in " + storage(config));
    System.out.println("Create a space: curl -X POST -H \"Authorization: Bearer $LATTICE_ADMIN_TOKEN\" "
        + server.uri() + "/admin/spaces");
  }
}
