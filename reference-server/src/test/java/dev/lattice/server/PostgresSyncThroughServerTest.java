package dev.lattice.server;

/** {@link SyncThroughServerTest} with the server's data on PostgreSQL. */
class PostgresSyncThroughServerTest extends SyncThroughServerTest {
  @Override
  TestStorage storage() {
    return TestStorage.POSTGRES;
  }
}
