package dev.lattice.driver.capture;

/**
 * Capture settings for one connection, parsed from {@code jdbc:lattice:} URL parameters or Properties.
 *
 * @param foldThreshold pending log rows at which a driver connection folds the log after a commit; 0 folds only on
 *     demand (before reads of change metadata and on {@code lattice_fold()})
 */
public record CaptureOptions(int foldThreshold) {

  /** Large enough that each fold rewrites metadata pages in big sorted batches; small enough to pause ~0.1 s. */
  public static final int DEFAULT_FOLD_THRESHOLD = 50_000;

  public static final CaptureOptions DEFAULTS = new CaptureOptions(DEFAULT_FOLD_THRESHOLD);

  public CaptureOptions {
    if (foldThreshold < 0) {
      throw new IllegalArgumentException("foldThreshold must be >= 0, was " + foldThreshold);
    }
  }
}
