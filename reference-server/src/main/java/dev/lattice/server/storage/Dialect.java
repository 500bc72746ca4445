package dev.lattice.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The SQL databases the server keeps its data in. They differ in a few column types and in how writers are kept
 * apart: SQLite has one writer at a time ({@code BEGIN IMMEDIATE}), PostgreSQL has many, kept apart by row and
 * advisory locks.
 */
public enum Dialect {
  /** An embedded SQLite file: one server instance, zero set-up. */
  SQLITE,
  /** PostgreSQL (or a compatible distributed database): any number of server instances share it. */
  POSTGRES;

  /**
   * The advisory lock that schema changes hold: PostgreSQL's {@code CREATE TABLE IF NOT EXISTS} is not safe against a
   * concurrent one (both may pass the check; one fails on the catalog's unique index), and instances behind a load
   * balancer start together. Any fixed 64-bit number; this one spells "LattSchm".
   */
  private static final long SCHEMA_LOCK = 0x4c617474_5363686dL;

  /** The type of a byte-string column. */
  public String blob() {
    return this == POSTGRES ? "BYTEA" : "BLOB";
  }

  /** The type of a 64-bit integer column (SQLite's INTEGER is 64-bit and keys rowid tables by it). */
  public String integer() {
    return this == POSTGRES ? "BIGINT" : "INTEGER";
  }

  /**
   * Inside a transaction that changes the schema: waits until no other instance is changing it. On SQLite the write
   * transaction already excludes every other writer.
   */
  public void lockSchema(Connection c) throws SQLException {
    if (this == POSTGRES) {
      advisoryLock(c, SCHEMA_LOCK);
    }
  }

  /**
   * Inside a transaction on PostgreSQL: holds the advisory lock {@code key} until the transaction ends, across every
   * connection to the database (so across server instances).
   */
  public static void advisoryLock(Connection c, long key) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setLong(1, key);
      lock.execute();
    }
  }
}
