/**
 * Spaces and devices: {@link dev.lattice.server.accounts.Accounts} (create, join with an invite or a pairing code,
 * authenticate, list, revoke) and the {@link dev.lattice.server.accounts.AdminToken}. Secrets are random, stored as
 * SHA-256 hashes and compared in constant time. The SQL is in one small class per table, so that another database can
 * get its own.
 */
package dev.lattice.server.accounts;
