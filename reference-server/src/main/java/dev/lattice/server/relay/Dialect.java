package dev.lattice.server.relay;

/** The SQL databases the relay stores envelopes in; they differ only in column types and locking. */
public enum Dialect {
  /** An embedded SQLite file: one server instance, zero set-up. */
  SQLITE,
  /** PostgreSQL (or a compatible distributed database): any number of server instances share it. */
  POSTGRES
}
