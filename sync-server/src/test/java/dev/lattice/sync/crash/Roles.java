package dev.lattice.sync.crash;

/** The shapes of work the victim's roles run, shared by the victim and the test that rebuilds their models. */
final class Roles {
  /** Ordinary application transactions, the first one a bulk insert of 500 rows. */
  static final Workload.Shape WRITES_SHAPE = new Workload.Shape(300, 1, 8, 500, false);
  /** Migrations of a 3,000-row table (every ADD COLUMN updates every row) between ordinary writes. */
  static final Workload.Shape MIGRATE_SHAPE = new Workload.Shape(4000, 1, 6, 3000, true);
  /** Wide transactions, so that a few hundred of them leave a log of tens of thousands of rows to fold. */
  static final Workload.Shape FOLD_SHAPE = new Workload.Shape(3000, 40, 80, 0, false);
  /** Transactions written between two folds in the fold role. */
  static final int FOLD_EVERY = 400;
  /** Transactions written between two compactions in the compact role. */
  static final int COMPACT_EVERY = 10;
  /** Cells per batch when merging and syncing, small enough that a kill lands between batches and inside one. */
  static final int BATCH_CELLS = 2000;

  private Roles() {}
}
