package dev.lattice.cli;

import java.nio.file.Path;

/** What a joined device is told when the server refuses its token: the refusal, and what would fix it. */
final class DeviceRefusals {
  private DeviceRefusals() {}

  static CommandFailure explain(ServerApi.Refused e, Path database) {
    return switch (e.kind()) {
      case REVOKED -> new CommandFailure("this device was revoked from its space: delete "
          + dev.lattice.sync.join.CredentialsFile.of(database) + " and join again with a pairing code from another"
          + " device (lattice pair)");
      case REFUSED_SECRET -> new CommandFailure("the server refused this device's token (" + e.getMessage()
          + "): the space or device may have been removed; delete "
          + dev.lattice.sync.join.CredentialsFile.of(database) + " and join again");
      case NOT_FOUND -> e.error() != null && e.error().equals("unknown_space")
          ? new CommandFailure("the server no longer has this database's space: join another with lattice join")
          : e;
      default -> e;
    };
  }
}
