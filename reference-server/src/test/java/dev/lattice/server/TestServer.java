package dev.lattice.server;

import dev.lattice.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A real server on a free loopback port, its accounts in a test's directory or a PostgreSQL database of its own, each
 * space served by a device database.
 */
final class TestServer implements AutoCloseable {
  static final String ADMIN = "admin-token-for-tests-0123456789-abcdefghijklmnop";

  final ServerConfig config;
  final SpaceSyncs syncs;
  final LatticeServer server;
  final Api api;
  private final ByteArrayOutputStream console;

  private TestServer(ServerConfig config, SpaceSyncs syncs, LatticeServer server, ByteArrayOutputStream console) {
    this.config = config;
    this.syncs = syncs;
    this.server = server;
    this.api = new Api(server.uri());
    this.console = console;
  }

  /** The configuration tests start from: loopback, any port, the test admin token, data under {@code dir}. */
  static ServerConfig config(Path dir) {
    return ServerConfig.defaults().withPort(0).withDataDir(dir.resolve("data")).withAdminToken(ADMIN);
  }

  /** As {@link #config(Path)}, with the data in {@code storage} (on PostgreSQL, a new database each call). */
  static ServerConfig config(Path dir, TestStorage storage) {
    return storage.configure(config(dir));
  }

  static TestServer start(Path dir, TestStorage storage) throws IOException {
    return start(dir, storage, c -> c);
  }

  static TestServer start(Path dir, TestStorage storage, UnaryOperator<ServerConfig> tweak) throws IOException {
    return start(tweak.apply(config(dir, storage)), new DeviceDatabaseSyncs(dir));
  }

  static TestServer start(ServerConfig config, SpaceSyncs syncs) throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    LatticeServer server = LatticeServer.start(config, syncs, new PrintStream(console, true, StandardCharsets.UTF_8));
    return new TestServer(config, syncs, server, console);
  }

  URI uri() {
    return server.uri();
  }

  /** The space's own database, when {@link DeviceDatabaseSyncs} serves it. */
  DeviceDatabase spaceDatabase(String spaceId) {
    return ((DeviceDatabaseSyncs) syncs).space(spaceId);
  }

  /** Protocol requests that reached any space. */
  int protocolRequests() {
    return ((DeviceDatabaseSyncs) syncs).requests.get();
  }

  /** What the server printed for the operator (a generated admin token). */
  String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.close();
  }
}
