package dev.lattice.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

/**
 * Runs one scenario on both URLs, each on its own file, and asserts that they saw the same thing: for what is not a
 * fixed value (exceptions as sqlite-jdbc raises them, metadata, counts) the run on {@code jdbc:sqlite:} is the
 * expectation.
 */
public final class Both {
  private Both() {}

  /** A scenario: what it observes on a file in {@code dir} opened through {@code url}. */
  @FunctionalInterface
  public interface Scenario<T> {
    T run(Url url, Path dir) throws Exception;
  }

  /**
   * Runs {@code scenario} on PLAIN (in {@code dir/plain}) then on LATTICE (in {@code dir/lattice}), asserts that
   * LATTICE observed what PLAIN did, and returns that.
   */
  public static <T> T same(Path dir, Scenario<T> scenario) throws Exception {
    T plain = scenario.run(Url.PLAIN, dir.resolve("plain"));
    T lattice = scenario.run(Url.LATTICE, dir.resolve("lattice"));
    assertEquals(plain, lattice, "jdbc:lattice:sqlite: must behave as jdbc:sqlite: does");
    return plain;
  }
}
