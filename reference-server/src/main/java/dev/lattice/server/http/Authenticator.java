package dev.lattice.server.http;

import dev.lattice.server.accounts.AccountException;
import dev.lattice.server.accounts.Accounts;
import dev.lattice.server.accounts.AdminToken;
import dev.lattice.server.accounts.DeviceIdentity;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * Who makes a request, and whether they may make it now. Each route calls one of these first.
 *
 * <p>Two budgets apply. A device, once authenticated, spends its own ({@code --device-rate}). A client address spends
 * another ({@code --ip-rate}) on everything that tries a secret without a device token to show for it: joins, admin
 * calls, and failed authentications; while that budget is spent, the address's requests are refused before any secret
 * is checked, so guessing is slow whatever the route. The client address is the peer's, or behind a trusted proxy
 * the one it forwards ({@link ClientAddress}).
 */
final class Authenticator {
  private final Accounts accounts;
  private final AdminToken adminToken;
  private final RateBudgets perDevice;
  private final RateBudgets perAddress;
  private final ClientAddress clients;

  Authenticator(Accounts accounts, AdminToken adminToken, RateBudgets perDevice, RateBudgets perAddress,
      ClientAddress clients) {
    this.accounts = accounts;
    this.adminToken = adminToken;
    this.perDevice = perDevice;
    this.perAddress = perAddress;
    this.clients = clients;
  }

  /** The device of the path's space that sent the bearer token; refuses 429, 404, 401 or 403. */
  DeviceIdentity device(Context ctx) {
    String address = clients.of(ctx);
    if (perAddress.isExhausted(address)) {
      throw addressLimited(address);
    }
    DeviceIdentity device;
    try {
      device = accounts.authenticate(ctx.pathParam("space"), bearer(ctx));
    } catch (AccountException e) {
      if (e.reason() != AccountException.Reason.REVOKED) {
        perAddress.tryAcquire(address); // a wrong token or a probed space: a guess
      }
      throw e;
    }
    RequestTags.device(ctx, device);
    String key = device.spaceId() + "/" + device.deviceId();
    if (!perDevice.tryAcquire(key)) {
      throw new RateLimited("this device is making too many requests", perDevice.retryAfterSeconds(key));
    }
    return device;
  }

  /** Refuses the request unless it carries the admin token. */
  void admin(Context ctx) {
    spendAddress(ctx);
    if (!adminToken.matches(bearer(ctx))) {
      throw ApiError.unauthorized("this needs the admin token: Authorization: Bearer <admin token>");
    }
  }

  /** The device making the request, or null if it carries the admin token. */
  DeviceIdentity deviceOrAdmin(Context ctx) {
    if (adminToken.matches(bearer(ctx))) {
      spendAddress(ctx);
      return null;
    }
    return device(ctx);
  }

  /** For a request that presents a secret in its body (a join): spends the address's budget. */
  void anonymous(Context ctx) {
    spendAddress(ctx);
  }

  private void spendAddress(Context ctx) {
    String address = clients.of(ctx);
    if (!perAddress.tryAcquire(address)) {
      throw addressLimited(address);
    }
  }

  private RateLimited addressLimited(String address) {
    return new RateLimited("too many attempts from this address", perAddress.retryAfterSeconds(address));
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null. */
  private static String bearer(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null) {
      return null;
    }
    String value = header.strip();
    if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    String token = value.substring(7).strip();
    return token.isEmpty() ? null : token;
  }
}
