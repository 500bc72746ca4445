/** The server's own database: {@link dev.lattice.server.storage.ServerDatabase}, SQLite through HikariCP. */
package dev.lattice.server.storage;
