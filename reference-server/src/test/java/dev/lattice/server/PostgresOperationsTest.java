package dev.lattice.server;

/** {@link OperationsTest} with the server's data on PostgreSQL. */
class PostgresOperationsTest extends OperationsTest {
  @Override
  TestStorage storage() {
    return TestStorage.POSTGRES;
  }
}
