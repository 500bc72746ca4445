/**
 * The HTTP and WebSocket API, on Javalin: {@link dev.lattice.server.http.HttpServer} and, package-private, its routes
 * (accounts, sync, live, operations), authentication and rate limits, and the mapping of every refusal and failure to
 * a JSON error. The routes are described in {@code openapi.json} beside these classes, served at
 * {@code GET /openapi.json}.
 */
package dev.lattice.server.http;
