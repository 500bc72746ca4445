package dev.lattice.examples.notes;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A notes program as anyone would write it with JDBC and SQLite: {@code notes <db> add <text>}, {@code notes <db>
 * list}. The one thing that makes it sync is its URL: {@code jdbc:lattice:sqlite:} with {@code lattice.sync=auto}
 * instead of {@code jdbc:sqlite:}. It imports nothing of Lattice.
 *
 * <p>Being a command that runs and exits, it gives its sync a moment before it exits: it reads the
 * {@code lattice_sync} view (plain SQL, as any JDBC tool can) until the sync is up to date with nothing pending, for
 * at most {@value #SETTLE_SECONDS} seconds. A program that keeps running would not need to.
 */
public final class Notes {
  static final int SETTLE_SECONDS = 20;

  private Notes() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(System.out, args));
  }

  /** Runs one command; returns the exit code. */
  public static int run(PrintStream out, String... args) throws SQLException, InterruptedException {
    if (args.length < 2 || !(args[1].equals("list") || (args[1].equals("add") && args.length == 3))) {
      out.println("usage: notes <db> add <text> | notes <db> list");
      return 2;
    }
    String url = "jdbc:lattice:sqlite:" + args[0] + "?lattice.sync=auto"; // was: "jdbc:sqlite:" + args[0]
    try (Connection c = DriverManager.getConnection(url)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS notes(id TEXT PRIMARY KEY NOT NULL, text TEXT NOT NULL,"
            + " created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
      }
      settle(c);
      if (args[1].equals("add")) {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO notes(id, text) VALUES (?, ?)")) {
          p.setString(1, UUID.randomUUID().toString());
          p.setString(2, args[2]);
          p.executeUpdate();
        }
        settle(c);
      } else {
        try (Statement s = c.createStatement();
            ResultSet r = s.executeQuery("SELECT text FROM notes ORDER BY created, text")) {
          while (r.next()) {
            out.println("- " + r.getString(1));
          }
        }
      }
    }
    return 0;
  }

  /** Waits until the background sync is up to date with nothing pending, or gives up quietly. */
  private static void settle(Connection c) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + SETTLE_SECONDS * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT state, pending_local_writes FROM lattice_sync")) {
        r.next();
        String state = r.getString(1);
        if (state.equals("error") || (state.equals("up to date") || state.equals("conflicts waiting"))
            && r.getLong(2) == 0) {
          return;
        }
      }
      Thread.sleep(50);
    }
  }
}
