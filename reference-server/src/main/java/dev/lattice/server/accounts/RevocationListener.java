package dev.lattice.server.accounts;

/**
 * Hears that devices were revoked, so that their open connections are closed at once (see {@link Accounts#onRevoked}).
 */
public interface RevocationListener {
  /** {@code device} was revoked: refuse it from now on. */
  void revoked(DeviceIdentity device);

  /**
   * Revocations by other instances may have been missed (the connection that hears them broke and was remade):
   * check the devices of open connections again ({@link Accounts#isActive}).
   */
  void mayHaveMissed();
}
