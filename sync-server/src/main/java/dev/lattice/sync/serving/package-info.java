/**
 * Serving the sync protocol: {@link dev.lattice.sync.serving.PeerHost} serves a device's own database to its peers,
 * so that two devices sync directly, on {@link dev.lattice.sync.serving.PeerServer} (HTTP and WebSocket, on Javalin
 * and Jetty). The reference server builds its own routes from the parts it shares with it:
 * {@link dev.lattice.sync.serving.ServerLiveChannel}, {@link dev.lattice.sync.serving.Pinger},
 * {@link dev.lattice.sync.serving.GracefulStop} and {@link dev.lattice.sync.serving.UnreadBodies}.
 *
 * <p>The clients (lattice-sync-protocol's {@code SyncClient}, {@code HttpTransport}, {@code WebSocketLive}) need none
 * of this: an application that only syncs carries no web server. Paths, media type and message limit are defined once,
 * on the client side, in {@link dev.lattice.sync.transport.Endpoints}.
 */
package dev.lattice.sync.serving;
