package dev.lattice.compat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The two URLs every scenario runs on: what an application opens before ({@code jdbc:sqlite:}) and after
 * ({@code jdbc:lattice:sqlite:}) it adopts Lattice. Both get the same file settings, set explicitly: Lattice defaults
 * to them, sqlite-jdbc does not, and a comparison must not hinge on a default.
 */
public enum Url {
  PLAIN("jdbc:sqlite:"),
  LATTICE("jdbc:lattice:sqlite:");

  /** {@code journal_mode=WAL}, {@code busy_timeout=10000}: the settings of every file in this suite. */
  static final Map<String, String> FILE_SETTINGS = Map.of("journal_mode", "WAL", "busy_timeout", "10000");

  private final String prefix;

  Url(String prefix) {
    this.prefix = prefix;
  }

  /**
   * The URL of {@code file} with the suite's file settings, and {@code params} ("key=value") added or overriding them.
   */
  public String of(Path file, String... params) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("journal_mode", FILE_SETTINGS.get("journal_mode"));
    settings.put("busy_timeout", FILE_SETTINGS.get("busy_timeout"));
    for (String param : params) {
      int eq = param.indexOf('=');
      settings.put(param.substring(0, eq), param.substring(eq + 1));
    }
    StringJoiner query = new StringJoiner("&", "?", "");
    settings.forEach((key, value) -> query.add(key + "=" + value));
    return prefix + file + query;
  }

  public boolean isLattice() {
    return this == LATTICE;
  }
}
