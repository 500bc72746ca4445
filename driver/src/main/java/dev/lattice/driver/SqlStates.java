package dev.lattice.driver;

/**
 * The SQLStates the driver's own exceptions and warnings carry ({@link java.sql.SQLException#getSQLState()}), named
 * by their SQL standard class and subclass. Errors from SQLite itself keep sqlite-jdbc's states; these are only for
 * what Lattice refuses or reports, so that an application can tell a refusal by its kind without reading the message.
 */
public final class SqlStates {
  /** 01000 warning: it was done, with something to know (what lattice_track noticed about the table it tracked). */
  public static final String WARNING = "01000";
  /** 08001 the connection could not be established: a URL or a passphrase file the driver cannot use. */
  public static final String UNABLE_TO_CONNECT = "08001";
  /** 0A000 feature not supported: a newer database layout, or auto sync without the sync library present. */
  public static final String FEATURE_NOT_SUPPORTED = "0A000";
  /** 22000 data exception: a value or a batch that cannot be taken as it is. */
  public static final String DATA_EXCEPTION = "22000";
  /** 22023 invalid parameter value: a {@code lattice.*} connection property out of its range. */
  public static final String INVALID_PARAMETER_VALUE = "22023";
  /** 25006 read-only SQL transaction: a write needed where the database can only be read. */
  public static final String READ_ONLY_TRANSACTION = "25006";
  /** 42000 syntax error or access rule violation: a table that cannot be tracked, a schema that does not match. */
  public static final String ACCESS_RULE_VIOLATION = "42000";
  /** 55000 object not in prerequisite state: a table a batch writes is not tracked here yet. */
  public static final String OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";

  private SqlStates() {}
}
