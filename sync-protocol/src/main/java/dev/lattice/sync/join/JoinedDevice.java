package dev.lattice.sync.join;

import java.net.URI;
import java.util.Objects;

/**
 * A database's membership of a space on a reference server, as {@code lattice join} stores it: the server, the space,
 * the device id and token the server issued, and the site id of the replica that joined (so that a copy of the file,
 * or a backup restored with a new site id, is not taken for the device that joined).
 *
 * @param server the server's base address, such as {@code http://127.0.0.1:7420}
 * @param spaceId the space
 * @param deviceId this device's id in the space
 * @param token this device's bearer token: a secret, never printed (see {@link #toString()})
 * @param siteId the joined replica's site id, 32 hex digits
 */
public record JoinedDevice(URI server, String spaceId, String deviceId, String token, String siteId) {
  public JoinedDevice {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(spaceId, "spaceId");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(siteId, "siteId");
    server = URI.create(server.toString().replaceAll("/+$", ""));
  }

  /** The space's base address, which {@code SyncClient} is given: {@code <server>/spaces/<space>}. */
  public URI spaceUri() {
    return URI.create(server + "/spaces/" + spaceId);
  }

  /** Without the token: a record's default text would put it in logs and error messages. */
  @Override
  public String toString() {
    return "JoinedDevice[server=" + server + ", space=" + spaceId + ", device=" + deviceId + ", site=" + siteId + "]";
  }
}
