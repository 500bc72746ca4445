package dev.lattice.server.accounts;

import java.util.Objects;

/** An authenticated device: who made a request. Neither part is a secret. */
public record DeviceIdentity(String spaceId, String deviceId) {
  public DeviceIdentity {
    Objects.requireNonNull(spaceId, "spaceId");
    Objects.requireNonNull(deviceId, "deviceId");
  }
}
