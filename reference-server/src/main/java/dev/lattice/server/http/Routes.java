package dev.lattice.server.http;

import java.util.List;

/** Every path the server serves, in one place: the handlers, the OpenAPI document and its test agree on these. */
final class Routes {
  static final String HEALTH = "/health";
  static final String METRICS = "/metrics";
  static final String OPENAPI = "/openapi.json";

  static final String SPACES = "/admin/spaces";
  static final String INVITE = "/admin/spaces/{space}/invite";
  static final String JOIN = "/spaces/{space}/devices/join";
  static final String DEVICES = "/spaces/{space}/devices";
  static final String DEVICE = "/spaces/{space}/devices/{device}";
  static final String PAIRING = "/spaces/{space}/pairing";
  static final String SYNC = "/spaces/{space}/sync";
  static final String LIVE = "/spaces/{space}/live";

  /**
   * The same two under the names sync-protocol's clients use: given a space's base address
   * {@code http://host:port/spaces/{space}}, {@code HttpTransport}, {@code WebSocketLive} and {@code SyncClient}
   * append {@code /lattice/sync} and {@code /lattice/live}, as for a device serving its own database.
   */
  static final String SYNC_FOR_CLIENTS = "/spaces/{space}/lattice/sync";
  static final String LIVE_FOR_CLIENTS = "/spaces/{space}/lattice/live";

  /** Method and path of every route, as {@code GET /health}; the live WebSocket is a GET (its upgrade). */
  static final List<String> ALL = List.of(
      "GET " + HEALTH, "GET " + METRICS, "GET " + OPENAPI,
      "POST " + SPACES, "POST " + INVITE,
      "POST " + JOIN, "GET " + DEVICES, "DELETE " + DEVICE, "POST " + PAIRING,
      "POST " + SYNC, "GET " + LIVE, "POST " + SYNC_FOR_CLIENTS, "GET " + LIVE_FOR_CLIENTS);

  private Routes() {}
}
