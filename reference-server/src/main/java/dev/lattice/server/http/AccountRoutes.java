package dev.lattice.server.http;

import dev.lattice.server.accounts.Accounts;
import dev.lattice.server.accounts.DeviceCredentials;
import dev.lattice.server.accounts.DeviceIdentity;
import dev.lattice.server.accounts.DeviceInfo;
import dev.lattice.server.accounts.Invite;
import dev.lattice.server.accounts.PairingCode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes about spaces and devices: the operator creates spaces and invites; devices join, pair new devices, list
 * and revoke. Each handler authenticates first (see {@link Authenticator}), then does one thing.
 */
final class AccountRoutes {
  private static final Logger log = LoggerFactory.getLogger(AccountRoutes.class);

  record CreateSpaceRequest(String name) {}

  record InviteReply(String spaceId, String inviteToken, String inviteExpiresAt) {
    static InviteReply of(Invite invite) {
      return new InviteReply(invite.spaceId(), invite.token(), invite.expiresAt().toString());
    }
  }

  /** One of invite or pairingCode; name is optional. */
  record JoinRequest(String invite, String pairingCode, String name) {}

  record JoinReply(String spaceId, String deviceId, String deviceToken) {}

  record PairingReply(String pairingCode, String expiresAt) {}

  record DeviceView(String deviceId, String name, String joinedAt, String revokedAt, boolean revoked) {
    static DeviceView of(DeviceInfo d) {
      return new DeviceView(d.deviceId(), d.name(), d.joinedAt().toString(), text(d.revokedAt()), d.revoked());
    }
  }

  record DevicesReply(List<DeviceView> devices) {}

  private final Accounts accounts;
  private final Authenticator auth;

  AccountRoutes(Accounts accounts, Authenticator auth) {
    this.accounts = accounts;
    this.auth = auth;
  }

  void mount(RoutesConfig router) {
    router.post(Routes.SPACES, this::createSpace);
    router.post(Routes.INVITE, this::renewInvite);
    router.post(Routes.JOIN, this::join);
    router.post(Routes.PAIRING, this::pair);
    router.get(Routes.DEVICES, this::listDevices);
    router.delete(Routes.DEVICE, this::revoke);
  }

  private void createSpace(Context ctx) {
    auth.admin(ctx);
    CreateSpaceRequest request = Bodies.json(ctx, CreateSpaceRequest.class, new CreateSpaceRequest(null));
    Invite invite = accounts.createSpace(request.name());
    log.atInfo().addKeyValue("space", invite.spaceId()).log("space created");
    ctx.status(201).json(InviteReply.of(invite));
  }

  private void renewInvite(Context ctx) {
    auth.admin(ctx);
    Invite invite = accounts.renewInvite(ctx.pathParam("space"));
    log.atInfo().addKeyValue("space", invite.spaceId()).log("invite renewed");
    ctx.status(201).json(InviteReply.of(invite));
  }

  private void join(Context ctx) {
    auth.anonymous(ctx);
    JoinRequest request = Bodies.json(ctx, JoinRequest.class, null);
    if ((request.invite() == null) == (request.pairingCode() == null)) {
      throw ApiError.badRequest("give either 'invite' (the first device) or 'pairingCode' (a later one)");
    }
    String space = ctx.pathParam("space");
    DeviceCredentials joined = request.invite() != null
        ? accounts.joinWithInvite(space, request.invite(), request.name())
        : accounts.joinWithPairingCode(space, request.pairingCode(), request.name());
    RequestTags.device(ctx, new DeviceIdentity(joined.spaceId(), joined.deviceId()));
    log.atInfo().addKeyValue("space", joined.spaceId()).addKeyValue("device", joined.deviceId())
        .addKeyValue("with", request.invite() != null ? "invite" : "pairing code").log("device joined");
    ctx.status(201).json(new JoinReply(joined.spaceId(), joined.deviceId(), joined.token()));
  }

  private void pair(Context ctx) {
    DeviceIdentity device = auth.device(ctx);
    PairingCode code = accounts.createPairingCode(device);
    ctx.status(201).json(new PairingReply(code.code(), code.expiresAt().toString()));
  }

  private void listDevices(Context ctx) {
    auth.device(ctx);
    List<DeviceView> devices = accounts.devices(ctx.pathParam("space")).stream().map(DeviceView::of).toList();
    ctx.json(new DevicesReply(devices));
  }

  private void revoke(Context ctx) {
    DeviceIdentity by = auth.deviceOrAdmin(ctx);
    String space = ctx.pathParam("space");
    String target = ctx.pathParam("device");
    // Refused at once: its open connections are closed too, here and on every other instance (RevokedDevices).
    if (accounts.revoke(space, target)) {
      log.atInfo().addKeyValue("space", space).addKeyValue("device", target)
          .addKeyValue("by", by == null ? "admin" : by.deviceId()).log("device revoked");
    }
    ctx.status(204);
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
