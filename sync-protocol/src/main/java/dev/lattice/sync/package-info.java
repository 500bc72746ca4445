/**
 * Sync for applications: {@link dev.lattice.sync.SyncClient} keeps a device's database in sync with a peer (one-shot
 * or continuous, with a {@link dev.lattice.sync.SyncStatus} to show), and {@link dev.lattice.sync.PeerHost} serves a
 * device's database to its peers so that two devices sync directly. The protocol itself lives in the sub-packages:
 * {@code wire} (messages), {@code crypto} (space keys), {@code store} (a database as the protocol sees it),
 * {@code session} (the three phases) and {@code transport} (HTTP, WebSocket, in memory).
 */
package dev.lattice.sync;
