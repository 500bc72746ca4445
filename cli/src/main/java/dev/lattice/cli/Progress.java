package dev.lattice.cli;

import java.io.PrintWriter;

/**
 * A progress bar on standard error, redrawn in place with a carriage return:
 * {@code export  [##########..........]  50%  12/24 chunks}.
 *
 * <p>Drawn only when a person is watching ({@link System#console()} is not null, meaning standard input and output are
 * a terminal): in a pipe, a log or a test, carriage returns would only garble the output, so then nothing is drawn and
 * the command's summary line says what happened. Redraws only when the shown percentage changes, so a fast loop costs
 * at most a hundred writes.
 */
final class Progress implements AutoCloseable {
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final String label;
  private final boolean drawing;
  private int shownPercent = -1;
  private String shownDetail = "";
  private boolean drawn;

  private Progress(PrintWriter err, String label, boolean drawing) {
    this.err = err;
    this.label = label;
    this.drawing = drawing;
  }

  /** A bar labelled {@code label} on {@code err}, drawn only if a terminal is attached. */
  static Progress on(PrintWriter err, String label) {
    return new Progress(err, label, System.console() != null);
  }

  /** Shows {@code done} of {@code total} {@code unit}; a total of 0 shows a full bar. */
  void update(long done, long total, String unit) {
    if (!drawing) {
      return;
    }
    int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
    String detail = done + "/" + total + " " + unit;
    if (percent == shownPercent && drawn) {
      return;
    }
    shownPercent = percent;
    shownDetail = detail;
    draw();
  }

  /** Shows a step of work whose size is not known: its name after the bar. */
  void step(int done, int total, String what) {
    if (!drawing) {
      return;
    }
    shownPercent = total <= 0 ? 100 : done * 100 / total;
    shownDetail = what;
    draw();
  }

  private void draw() {
    int filled = shownPercent * WIDTH / 100;
    err.print("\r" + label + "  [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
        + String.format("%3d%%", shownPercent) + "  " + shownDetail + "\u001b[K"); // erase the rest of the line
    err.flush();
    drawn = true;
  }

  /** Ends the bar's line, so that what follows starts on a line of its own. */
  @Override
  public void close() {
    if (drawing && drawn) {
      err.println();
      err.flush();
    }
  }
}
