package dev.lattice.server;

/** {@link CompactionThroughServerTest} with the server's data on PostgreSQL. */
class PostgresCompactionThroughServerTest extends CompactionThroughServerTest {
  @Override
  TestStorage storage() {
    return TestStorage.POSTGRES;
  }
}
