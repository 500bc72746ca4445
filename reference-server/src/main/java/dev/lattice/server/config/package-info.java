/** How the server runs: {@link dev.lattice.server.config.ServerConfig}, read from flags and environment variables. */
package dev.lattice.server.config;
