package dev.lattice.server;

import java.util.Set;

/**
 * Who the active (joined, not revoked) devices of a space are, as the server's accounts know them. A relay finds a
 * space's stable point over exactly these devices: a revoked device no longer holds tombstones back, and a device
 * that joined but never synced keeps them until it has.
 */
@FunctionalInterface
public interface SpaceMembers {
  /** The ids of the space's active devices; empty for a space the accounts do not know. */
  Set<String> activeDevices(String spaceId);
}
