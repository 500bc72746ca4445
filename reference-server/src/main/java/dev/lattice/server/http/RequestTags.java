package dev.lattice.server.http;

import dev.lattice.server.accounts.DeviceIdentity;
import io.javalin.http.Context;

/**
 * What a request's handlers learn that its log line and metrics report: the device, the error code answered, and for
 * WebSocket upgrades when handling began.
 */
final class RequestTags {
  static final String DEVICE = "lattice.device";
  private static final String ERROR = "lattice.error";
  private static final String STARTED = "lattice.started";

  private RequestTags() {}

  static void device(Context ctx, DeviceIdentity device) {
    ctx.attribute(DEVICE, device);
  }

  /** The authenticated device, or null. */
  static DeviceIdentity device(Context ctx) {
    return ctx.attribute(DEVICE);
  }

  /** Marks when handling began, where Javalin does not time the request itself (a WebSocket upgrade). */
  static void started(Context ctx) {
    ctx.attribute(STARTED, System.nanoTime());
  }

  /** Milliseconds since {@link #started}, or 0 if it was not called. */
  static float elapsedMillis(Context ctx) {
    Long started = ctx.attribute(STARTED);
    return started == null ? 0 : (System.nanoTime() - started) / 1_000_000f;
  }

  static void error(Context ctx, String code) {
    ctx.attribute(ERROR, code);
  }

  /** The error code answered, or null. */
  static String error(Context ctx) {
    return ctx.attribute(ERROR);
  }
}
