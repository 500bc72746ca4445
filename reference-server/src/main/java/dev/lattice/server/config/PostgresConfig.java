package dev.lattice.server.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A PostgreSQL database to keep the server's data in, instead of embedded SQLite: any number of server instances may
 * share it, behind a load balancer.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/database}, with any of the driver's parameters ({@code sslmode},
 *     and {@code user} and {@code password} too)
 * @param user the role to connect as, or null to take it from the URL (or the driver's default)
 * @param password the role's password, or null to take it from the URL; never shown ({@link #toString()})
 */
public record PostgresConfig(String jdbcUrl, String user, String password) {
  private static final String PREFIX = "jdbc:postgresql:";
  /** A password in the URL's parameters, for {@link #redactedUrl()}. */
  private static final Pattern URL_PASSWORD = Pattern.compile("([?&]password=)[^&]*");

  public PostgresConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    jdbcUrl = jdbcUrl.strip();
    // The message never repeats the URL: it may hold the password.
    if (!jdbcUrl.startsWith(PREFIX) || jdbcUrl.length() == PREFIX.length()) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: it starts with " + PREFIX
          + " (e.g. jdbc:postgresql://db.example:5432/lattice)");
    }
    user = blankToNull(user);
    password = blankToNull(password);
  }

  /** The database at {@code jdbcUrl}, with the credentials the URL or the driver's defaults give. */
  public static PostgresConfig of(String jdbcUrl) {
    return new PostgresConfig(jdbcUrl, null, null);
  }

  public PostgresConfig withUser(String user) {
    return new PostgresConfig(jdbcUrl, user, password);
  }

  public PostgresConfig withPassword(String password) {
    return new PostgresConfig(jdbcUrl, user, password);
  }

  /** The URL with any password parameter's value hidden: for logs and messages. */
  public String redactedUrl() {
    return URL_PASSWORD.matcher(jdbcUrl).replaceAll("$1***");
  }

  /** Without the password, wherever it was given. */
  @Override
  public String toString() {
    return "PostgresConfig[jdbcUrl=" + redactedUrl() + ", user=" + user + ", password="
        + (password == null ? "none" : "***") + "]";
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
