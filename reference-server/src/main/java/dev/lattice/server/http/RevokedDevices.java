package dev.lattice.server.http;

import dev.lattice.server.accounts.Accounts;
import dev.lattice.server.accounts.DeviceIdentity;
import dev.lattice.server.accounts.RevocationListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the live connections of a revoked device at once (1008), whichever instance revoked it: {@link Accounts}
 * tells of the revocations made here and, on a shared database, of those the other instances made. Every request is
 * authenticated against the database, so only open connections need telling.
 */
final class RevokedDevices implements RevocationListener {
  private static final Logger log = LoggerFactory.getLogger(RevokedDevices.class);
  static final String REASON = "device revoked";

  private final Accounts accounts;
  private final LiveConnections connections;

  RevokedDevices(Accounts accounts, LiveConnections connections) {
    this.accounts = accounts;
    this.connections = connections;
  }

  @Override
  public void revoked(DeviceIdentity device) {
    connections.close(device, LiveConnections.POLICY_VIOLATION, REASON);
  }

  /** Revocations may have gone unheard: every connected device is checked against the database. */
  @Override
  public void mayHaveMissed() {
    for (DeviceIdentity device : connections.devices()) {
      boolean active;
      try {
        active = accounts.isActive(device);
      } catch (RuntimeException e) {
        log.warn("cannot check whether a live device is still active; leaving its connection open", e);
        continue;
      }
      if (!active) {
        revoked(device);
      }
    }
  }
}
