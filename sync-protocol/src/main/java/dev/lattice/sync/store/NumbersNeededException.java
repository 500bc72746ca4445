package dev.lattice.sync.store;

import dev.lattice.sync.SyncException;

/**
 * A store was asked for changes to send while rows inserted into numbered tables wait to be numbered for sync (the
 * application inserted them after the sync last settled): the asker settles them ({@link AskingStore#numbersWanted},
 * {@link AskingStore#settleNumbers}) and reads again. Its kind is {@code internal}: should it reach the application,
 * the next sync settles the rows first.
 */
public final class NumbersNeededException extends SyncException {
  private static final long serialVersionUID = 1L;

  NumbersNeededException(String message, Throwable cause) {
    super(Kind.INTERNAL, message, cause);
  }
}
