/**
 * The server's database: {@link dev.lattice.server.storage.ServerDatabase} (embedded SQLite or PostgreSQL through
 * HikariCP), the {@link dev.lattice.server.storage.Dialect} each speaks, and the
 * {@link dev.lattice.server.storage.ClusterFeed} by which instances sharing a PostgreSQL database hear of each
 * other's commits.
 */
package dev.lattice.server.storage;
