package dev.lattice.bench;

import java.util.Locale;

/** One line of the result table: a value measured on both sides in every round, their ratio, and its target. */
final class Figure {
  /** Whether a larger tracked/plain ratio is better (throughput) or worse (file size). */
  enum Kind {
    THROUGHPUT,
    SIZE
  }

  static final String HEADER = header("keys", "tracked");

  /** The header line, naming the second column (what varies within a figure) and the side compared with plain. */
  static String header(String variant, String side) {
    return String.format(Locale.ROOT, "%-12s %-14s %15s %15s %6s %-13s %-7s %-12s %s", "figure", variant, "plain", side,
        "ratio", "range", "target", "verdict", "note");
  }

  private final String name;
  private final String keys;
  private final Kind kind;
  private final double target;
  private final Stats plain = new Stats();
  private final Stats tracked = new Stats();
  private final Stats ratio = new Stats();
  /** Tracked time of the final {@code lattice_fold()} and of the whole phase, for write phases only. */
  private final Stats foldMs = new Stats();
  private final Stats trackedMs = new Stats();
  /** Time to bring the Merkle tree up to date after the phase, which sync time pays, not the writes. */
  private final Stats treeMs = new Stats();
  /** Printed in the note column of a figure without deferred-fold times. */
  private String note = "";

  Figure(String name, String keys, Kind kind, double target) {
    this.name = name;
    this.keys = keys;
    this.kind = kind;
    this.target = target;
  }

  /**
   * Records one round: rows per second (throughput) or bytes (size) of each side. The ratio is taken per round, of
   * two measurements made seconds apart, so that a slow minute on the shared machine hits both sides of it.
   */
  void add(double plainValue, double trackedValue) {
    plain.add(plainValue);
    tracked.add(trackedValue);
    ratio.add(trackedValue / plainValue);
  }

  /**
   * Records how much of one round's tracked phase time was the final fold, and how long bringing the Merkle tree up
   * to date took afterwards.
   */
  void addDeferred(double foldMillis, double trackedMillis, double treeMillis) {
    foldMs.add(foldMillis);
    trackedMs.add(trackedMillis);
    treeMs.add(treeMillis);
  }

  /** Sets the text of the note column (figures that record deferred folds print those instead). */
  void note(String text) {
    note = text;
  }

  /** A figure with no ratio target (NaN) is printed for information and never judged. */
  boolean ok() {
    return Double.isNaN(target) || (kind == Kind.THROUGHPUT ? ratio.median() >= target : ratio.median() <= target);
  }

  String row() {
    if (ratio.isEmpty()) {
      return String.format(Locale.ROOT, "%-12s %-14s (no rounds)", name, keys);
    }
    String note = foldMs.isEmpty() ? this.note
        : String.format(Locale.ROOT, "of which deferred fold: %,.0f ms of %,.0f ms; then tree update: %,.0f ms",
            foldMs.median(), trackedMs.median(), treeMs.median());
    return String.format(Locale.ROOT, "%-12s %-14s %15s %15s %6.3f %-13s %-7s %-12s %s", name, keys,
        value(plain.median()), value(tracked.median()), ratio.median(),
        String.format(Locale.ROOT, "%.3f-%.3f", ratio.min(), ratio.max()),
        Double.isNaN(target) ? "-" : (kind == Kind.THROUGHPUT ? ">= " : "<= ") + String.format(Locale.ROOT, "%.2f",
            target),
        Double.isNaN(target) ? "-" : ok() ? "ok" : kind == Kind.THROUGHPUT ? "below target" : "over target", note)
        .stripTrailing();
  }

  private String value(double v) {
    return kind == Kind.THROUGHPUT ? String.format(Locale.ROOT, "%,.0f/s", v)
        : String.format(Locale.ROOT, "%,.1f MB", v / 1e6);
  }
}
