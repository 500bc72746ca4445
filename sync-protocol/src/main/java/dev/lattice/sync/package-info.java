/**
 * Sync for applications: {@link dev.lattice.sync.SyncClient} keeps a device's database in sync with a peer (one-shot
 * or continuous, with a {@link dev.lattice.sync.SyncStatus} to show). The protocol itself lives in the sub-packages:
 * {@code wire} (messages), {@code crypto} (space keys), {@code store} (a database as the protocol sees it),
 * {@code session} (the three phases) and {@code transport} (the client ends of HTTP and WebSocket, and in memory).
 *
 * <p>This module is what a device carries: it needs the JDK's HTTP client, Jackson and Bouncy Castle, and no web
 * server. Serving a database to peers ({@code PeerHost}, so that two devices sync directly) is in lattice-sync-server.
 */
package dev.lattice.sync;
