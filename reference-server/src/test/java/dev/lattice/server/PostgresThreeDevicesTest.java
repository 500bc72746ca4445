package dev.lattice.server;

/** {@link ThreeDevicesTest} with the server's data on PostgreSQL. */
class PostgresThreeDevicesTest extends ThreeDevicesTest {
  @Override
  TestStorage storage() {
    return TestStorage.POSTGRES;
  }
}
