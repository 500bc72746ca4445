package dev.lattice.server.accounts;

import java.sql.Connection;
import java.sql.SQLException;

/** Creates the accounts' tables where missing; safe to run at every start. */
final class AccountsSchema {
  private AccountsSchema() {}

  static void create(Connection c) throws SQLException {
    SettingsTable.create(c);
    SpacesTable.create(c);
    InvitesTable.create(c);
    DevicesTable.create(c);
    PairingCodesTable.create(c);
  }
}
