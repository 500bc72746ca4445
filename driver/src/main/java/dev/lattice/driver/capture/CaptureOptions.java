package dev.lattice.driver.capture;

/**
 * Capture settings for one connection, parsed from {@code jdbc:lattice:} URL parameters or Properties.
 *
 * @param foldThreshold pending log rows at which a driver connection folds the log as it commits; 0 folds only on
 *     demand (before reads of change metadata and on {@code lattice_fold()})
 */
public record CaptureOptions(int foldThreshold) {

  /**
   * Pending log rows at which a driver connection folds as it commits. A fold costs roughly 10-20 µs per folded row
   * on the 2-core machines this was measured on (bench/run capture), and it runs on the committing thread, so this
   * bounds that commit's pause to a few hundred milliseconds while keeping folds large enough to write metadata in
   * sorted batches.
   */
  public static final int DEFAULT_FOLD_THRESHOLD = 20_000;

  public static final CaptureOptions DEFAULTS = new CaptureOptions(DEFAULT_FOLD_THRESHOLD);

  public CaptureOptions {
    if (foldThreshold < 0) {
      throw new IllegalArgumentException("foldThreshold must be >= 0, was " + foldThreshold);
    }
  }
}
