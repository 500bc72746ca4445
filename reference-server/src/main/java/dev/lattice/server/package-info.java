/**
 * The Lattice reference server: a sync hub that devices of a space sync through.
 *
 * <p>{@link dev.lattice.server.LatticeServer} starts it from a {@link dev.lattice.server.config.ServerConfig} and a
 * {@link dev.lattice.server.SpaceSyncs}, which serves each space's protocol. The folders:
 *
 * <ul>
 *   <li>{@code config}: flags and environment variables;
 *   <li>{@code accounts}: spaces, devices, invites, pairing codes, revocation, and their tables;
 *   <li>{@code storage}: the server's own database (SQLite through HikariCP);
 *   <li>{@code http}: the routes, authentication, rate limits, errors, the live WebSocket, the OpenAPI document;
 *   <li>{@code ops}: health, metrics and structured logs;
 *   <li>{@code relay}: the envelope store behind {@code SpaceSyncs}.
 * </ul>
 */
package dev.lattice.server;
