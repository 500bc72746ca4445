/**
 * Spaces and devices: {@link dev.lattice.server.accounts.Accounts} (create, join with an invite or a pairing code,
 * authenticate, list, revoke) and the {@link dev.lattice.server.accounts.AdminToken}. Secrets are random, stored as
 * SHA-256 hashes and compared in constant time. The SQL is in one small class per table, written once for embedded
 * SQLite and PostgreSQL alike (the few differences come from {@link dev.lattice.server.storage.Dialect}); the tables'
 * version is kept in {@code server_settings} and migrated at start ({@code AccountsSchema}).
 */
package dev.lattice.server.accounts;
