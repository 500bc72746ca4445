package dev.lattice.driver.sync;

import java.util.Locale;

/** The states of a background sync, as a user names them. */
public enum AutoSyncState {
  /** Starting, or between a sync and going live. */
  CONNECTING,
  /** Exchanging what each side lacks (see the progress). */
  SYNCING,
  /** Live with the server, nothing known to be missing. */
  UP_TO_DATE,
  /** Up to date, with concurrent edits recorded and not yet settled ({@code lattice_resolve}). */
  CONFLICTS_WAITING,
  /** The server cannot be reached; retrying at the time given. */
  OFFLINE,
  /** A failure retrying cannot fix; the error says what to do. */
  ERROR,
  /** Not running. */
  STOPPED;

  /** As shown in SQL: "up to date", "conflicts waiting". */
  public String words() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
