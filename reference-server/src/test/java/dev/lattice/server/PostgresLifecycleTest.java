package dev.lattice.server;

/** {@link LifecycleTest} with the server's data on PostgreSQL. */
class PostgresLifecycleTest extends LifecycleTest {
  @Override
  TestStorage storage() {
    return TestStorage.POSTGRES;
  }
}
