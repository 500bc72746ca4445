package dev.lattice.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The per-round values of one measurement. Medians rather than means: on a shared machine one round disturbed by a
 * neighbour should not move the figure.
 */
final class Stats {
  private final List<Double> values = new ArrayList<>();

  void add(double value) {
    values.add(value);
  }

  boolean isEmpty() {
    return values.isEmpty();
  }

  double median() {
    List<Double> sorted = sorted();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  double min() {
    return sorted().get(0);
  }

  double max() {
    return sorted().get(values.size() - 1);
  }

  private List<Double> sorted() {
    if (values.isEmpty()) {
      throw new IllegalStateException("no values");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted;
  }
}
