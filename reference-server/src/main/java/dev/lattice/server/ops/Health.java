package dev.lattice.server.ops;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health}: the server answers (liveness) and its storage does too (readiness). A load balancer takes a
 * server whose storage is unreachable out of rotation on the 503.
 */
public final class Health {
  /** What {@code /health} says: its JSON body and HTTP status. */
  public record Report(String status, String storage, int httpStatus) {}

  private final BooleanSupplier storageReachable;

  /** @param storageReachable answers quickly whether the database can be queried now */
  public Health(BooleanSupplier storageReachable) {
    this.storageReachable = Objects.requireNonNull(storageReachable, "storageReachable");
  }

  public Report check() {
    return storageReachable.getAsBoolean()
        ? new Report("ok", "ok", 200)
        : new Report("unavailable", "unreachable", 503);
  }
}
