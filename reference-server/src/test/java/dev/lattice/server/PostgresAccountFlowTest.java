package dev.lattice.server;

/** {@link AccountFlowTest} with the server's data on PostgreSQL. */
class PostgresAccountFlowTest extends AccountFlowTest {
  @Override
  TestStorage storage() {
    return TestStorage.POSTGRES;
  }
}
