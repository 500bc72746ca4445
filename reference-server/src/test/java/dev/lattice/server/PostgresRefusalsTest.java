package dev.lattice.server;

/** {@link RefusalsTest} with the server's data on PostgreSQL. */
class PostgresRefusalsTest extends RefusalsTest {
  @Override
  TestStorage storage() {
    return TestStorage.POSTGRES;
  }
}
