package dev.lattice.server.http;

import dev.lattice.server.SpaceSyncs;
import dev.lattice.server.accounts.DeviceIdentity;
import dev.lattice.server.ops.Metrics;
import dev.lattice.sync.transport.RequestHandler;
import io.javalin.http.Context;

/**
 * {@code POST /spaces/{space}/sync} (also at {@code /spaces/{space}/lattice/sync}): one CBOR protocol message in, the space's answer out. The device is authenticated
 * and the body checked (415, 413, 400 if empty) before the protocol sees it. The protocol answers bad messages itself,
 * with a {@code failure} message; if it throws, the request fails with a 500 and the details are logged.
 */
final class SyncRoute {
  private final Authenticator auth;
  private final SpaceSyncs syncs;
  private final Metrics metrics;
  private final int maxBodyBytes;

  SyncRoute(Authenticator auth, SpaceSyncs syncs, Metrics metrics, int maxBodyBytes) {
    this.auth = auth;
    this.syncs = syncs;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
  }

  void handle(Context ctx) {
    DeviceIdentity device = auth.device(ctx);
    Bodies.requireType(ctx, Bodies.CBOR);
    byte[] request = Bodies.read(ctx, maxBodyBytes);
    if (request.length == 0) {
      throw ApiError.badRequest("empty request body: expected one CBOR message");
    }
    long started = System.nanoTime();
    byte[] reply;
    boolean ok = false;
    try {
      RequestHandler handler = syncs.handler(device.spaceId(), device.deviceId());
      reply = handler.handle(request);
      if (reply == null) {
        throw new IllegalStateException("the space's request handler returned null");
      }
      ok = true;
    } finally {
      metrics.sync(ok, System.nanoTime() - started);
    }
    ctx.status(200).contentType(Bodies.CBOR);
    // A declared length lets the client refuse an oversized reply before reading it.
    ctx.res().setContentLength(reply.length);
    ctx.result(reply);
  }
}
