package dev.lattice.driver.jdbc;

import dev.lattice.driver.SqlStates;
import dev.lattice.driver.capture.CaptureOptions;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * The options of a {@code jdbc:lattice:} connection, each with its key, description, default and allowed values.
 *
 * <p>Options are given as URL parameters ({@code jdbc:lattice:sqlite:app.db?lattice.foldThreshold=0}) or as connection
 * Properties; Properties win, as they do for sqlite-jdbc's own options. Every key starting with {@value #PREFIX}
 * belongs to Lattice and is never handed to sqlite-jdbc: a key Lattice does not know is an error, not silently ignored.
 * Keys are case-sensitive.
 */
public enum LatticeProperty {
  /** See {@link CaptureOptions#foldThreshold()}. */
  FOLD_THRESHOLD("lattice.foldThreshold",
      "Pending capture-log rows at which a connection folds the log into row metadata as it commits;"
          + " 0 folds only on demand (before change metadata is read, and on lattice_fold())",
      CaptureOptions.DEFAULT_FOLD_THRESHOLD, 0),
  /** Background sync of the database with the space it joined; see {@code dev.lattice.driver.sync.AutoSync}. */
  SYNC("lattice.sync", "off: the driver syncs nothing (the default); auto: one background sync per database file per"
      + " process with the space the database joined (lattice join), shared by all its connections; needs"
      + " lattice-sync-protocol on the class path", "off", new String[] {"off", "auto"}),
  /** Where lattice.sync=auto reads the space's passphrase, when LATTICE_PASSPHRASE is not set. */
  PASSPHRASE_FILE("lattice.passphraseFile", "a file holding the space's passphrase (first line), for lattice.sync=auto"
      + " when the LATTICE_PASSPHRASE variable is not set and no PassphraseProvider is registered", "", null);

  /** The prefix every Lattice key starts with. */
  public static final String PREFIX = "lattice.";

  private final String key;
  private final String description;
  private final int defaultValue;
  private final int min;
  /** For options that are text, not integers: the default, and the allowed values (null: any text). */
  private final String textDefault;
  private final String[] textChoices;

  LatticeProperty(String key, String description, int defaultValue, int min) {
    this.key = key;
    this.description = description;
    this.defaultValue = defaultValue;
    this.min = min;
    this.textDefault = null;
    this.textChoices = null;
  }

  LatticeProperty(String key, String description, String textDefault, String[] textChoices) {
    this.key = key;
    this.description = description;
    this.defaultValue = 0;
    this.min = 0;
    this.textDefault = textDefault;
    this.textChoices = textChoices;
  }

  /** The key, as written in URLs and Properties. */
  public String key() {
    return key;
  }

  public String description() {
    return description;
  }

  /** The value used when the option is not given, as text. */
  public String defaultValue() {
    return textDefault != null ? textDefault : Integer.toString(defaultValue);
  }

  /** The values allowed, in words, for error messages and documentation. */
  public String allowed() {
    if (textDefault != null) {
      return textChoices == null ? "a file path" : "one of " + String.join(", ", textChoices);
    }
    return min == 0 ? "a non-negative integer" : "an integer >= " + min;
  }

  /** The allowed values when they form a short list (for tools that offer a choice), else null. */
  public String[] choices() {
    return textChoices == null ? null : textChoices.clone();
  }

  /** Checks a text option's {@code value} against its choices, throwing an error that names the key. */
  String parseText(String value) throws SQLException {
    String v = value.trim();
    if (textChoices == null || java.util.Arrays.asList(textChoices).contains(v)) {
      return v;
    }
    throw new SQLException("Invalid value '" + value + "' for " + key + ": expected " + allowed()
        + " (default " + defaultValue() + ")", SqlStates.INVALID_PARAMETER_VALUE);
  }

  /** Parses {@code value}, throwing an error that names the key, the bad value and what is allowed. */
  public int parseInt(String value) throws SQLException {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below, with the key and the range
    }
    throw new SQLException("Invalid value '" + value + "' for " + key + ": expected " + allowed()
        + " (default " + defaultValue() + ")", SqlStates.INVALID_PARAMETER_VALUE);
  }

  /** Describes this option for {@link java.sql.Driver#getPropertyInfo}, with {@code value} or else the default. */
  public DriverPropertyInfo toPropertyInfo(String value) {
    DriverPropertyInfo info = new DriverPropertyInfo(key, value != null ? value : defaultValue());
    info.description = description + " (default " + defaultValue() + ")";
    info.choices = choices();
    return info;
  }

  /** Whether {@code key} is in Lattice's namespace ({@value #PREFIX}, in any case), known or not. */
  public static boolean isLatticeKey(String key) {
    return key.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /** The option with exactly this key; throws, listing the known keys, for any other key. */
  public static LatticeProperty forKey(String key) throws SQLException {
    for (LatticeProperty property : values()) {
      if (property.key.equals(key)) {
        return property;
      }
    }
    StringBuilder message = new StringBuilder("Unknown jdbc:lattice: option '").append(key).append('\'');
    for (LatticeProperty property : values()) {
      if (property.key.equalsIgnoreCase(key)) {
        message.append(" (did you mean '").append(property.key).append("'? option keys are case-sensitive)");
      }
    }
    message.append("; known options: ");
    for (LatticeProperty property : values()) {
      message.append(property.ordinal() == 0 ? "" : ", ").append(property.key);
    }
    throw new SQLException(message.toString(), SqlStates.INVALID_PARAMETER_VALUE);
  }

  /**
   * Reads the Lattice options among {@code properties} into capture settings, checking each; other keys are ignored.
   * Values may be strings or any object whose {@code toString()} is the value (as {@code Properties.put} allows).
   */
  public static CaptureOptions captureOptions(Properties properties) throws SQLException {
    int foldThreshold = CaptureOptions.DEFAULT_FOLD_THRESHOLD;
    for (Map.Entry<Object, Object> entry : properties.entrySet()) {
      if (!(entry.getKey() instanceof String name) || !isLatticeKey(name)) {
        continue;
      }
      LatticeProperty property = forKey(name);
      String value = String.valueOf(entry.getValue());
      switch (property) {
        case FOLD_THRESHOLD -> foldThreshold = property.parseInt(value);
        case SYNC, PASSPHRASE_FILE -> property.parseText(value); // read by syncSettings; checked here with the rest
      }
    }
    return new CaptureOptions(foldThreshold);
  }

  /** The sync options among {@code properties} (already checked by {@link #captureOptions}). */
  static dev.lattice.driver.sync.SyncSettings syncSettings(Properties properties) throws SQLException {
    boolean auto = false;
    java.nio.file.Path passphraseFile = null;
    for (Map.Entry<Object, Object> entry : properties.entrySet()) {
      if (!(entry.getKey() instanceof String name) || !isLatticeKey(name)) {
        continue;
      }
      LatticeProperty property = forKey(name);
      String value = property.parseText(String.valueOf(entry.getValue()));
      switch (property) {
        case SYNC -> auto = value.equals("auto");
        case PASSPHRASE_FILE -> passphraseFile = value.isEmpty() ? null : java.nio.file.Path.of(value);
        default -> { }
      }
    }
    return new dev.lattice.driver.sync.SyncSettings(auto, passphraseFile);
  }
}
