package dev.lattice.cli;

import dev.lattice.core.SiteId;
import dev.lattice.driver.MergeResult;
import dev.lattice.driver.Replica;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncListener;
import dev.lattice.sync.SyncStatus;
import dev.lattice.sync.join.CredentialsFile;
import dev.lattice.sync.join.JoinedDevice;
import dev.lattice.sync.session.SyncReport;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;
import dev.lattice.sync.store.SyncHistory;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine;

/**
 * {@code lattice sync}: one sync, now, with a space on a reference server, a device serving its database
 * ({@code lattice serve-peer}), or another database file on this machine. For scripts and for trying Lattice out;
 * applications keep syncing with {@link SyncClient#start()} instead.
 *
 * <p>The passphrase is never a flag (flags show in the process list and shell history): it comes from
 * {@value Lattice#PASSPHRASE_VARIABLE} or is typed at a prompt. Two files on one machine sync without one, since
 * nothing leaves the machine.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
    description = {"Sync a database once with the space it joined (lattice join), a peer serving with"
        + " lattice serve-peer (--peer http://...), or another database file (--peer other.db).",
        "End-to-end encrypted with the passphrase from LATTICE_PASSPHRASE or a prompt, unless --plain."})
final class SyncCommand implements Callable<Integer> {
  @ParentCommand
  Lattice lattice;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "the database file")
  Path database;

  @Option(names = "--peer", paramLabel = "<url|file>", description = "instead of the space this database joined: a"
      + " device serving with lattice serve-peer (http://host:port), or another database file")
  String peer;

  @Option(names = "--plain", description = "sync without end-to-end encryption (both sides must agree)")
  boolean plain;

  @Option(names = "--watch", description = "keep syncing (live push and pull) with a one-line status until Ctrl-C")
  boolean watch;

  @Override
  public Integer call() throws Exception {
    if (peer == null) {
      // The space this database joined; its token stays in the credentials file, never on a command line.
      JoinedDevice device = JoinedDatabase.require(database);
      return overNetwork(device.spaceUri(), device.token(), true);
    }
    String target = peer;
    if (target.toLowerCase(Locale.ROOT).startsWith("http://") || target.toLowerCase(Locale.ROOT).startsWith("https://")) {
      return overNetwork(URI.create(target.replaceAll("/+$", "")), null, false);
    }
    if (watch) {
      throw new CommandFailure("--watch syncs with a server or a serving peer (http://...), not with a file: run"
          + " lattice sync " + database + " --peer " + target + " when you want them synced");
    }
    return withFile(Path.of(target));
  }

  private int overNetwork(URI base, String token, boolean joined) throws Exception {
    Databases.openReplica(database).close(); // refuses a missing file or a plain database before any prompt
    Encryption encryption = lattice.spaceEncryption(plain);
    PrintWriter out = spec.commandLine().getOut();
    SyncReport report;
    try (ReplicaStore store = ReplicaStore.open(Databases.url(database), encryption);
        Progress progress = Progress.on(spec.commandLine().getErr(), "sync")) {
      SyncClient.Builder builder = SyncClient.builder(store, base);
      if (token != null) {
        builder.bearerToken(token);
      }
      if (watch) {
        try (SyncClient client = builder.build()) {
          return watch(client, base, joined);
        }
      }
      try (SyncClient client = builder.build()) {
        client.addListener(new SyncListener() {
          @Override
          public void statusChanged(SyncStatus status) {
            if (status.progress() != null) {
              progress.update(status.progress().workDone(), status.progress().workTotal(), "writes");
            }
          }
        });
        try {
          report = client.syncNow();
        } catch (SyncException e) {
          throw refused(e, joined);
        }
      }
    } finally {
      encryption.clear();
    }
    out.println("Synced " + database + " with " + base + ": " + report.cellsSent() + " cell(s) sent, "
        + report.cellsReceived() + " received (" + report.cellsApplied() + " applied), " + report.roundTrips()
        + " round trip(s), " + report.duration().toMillis() + " ms.");
    out.flush();
    return 0;
  }

  /** A refused device in the user's words (what to delete, how to join again); other failures as they are. */
  private Exception refused(SyncException e, boolean joined) {
    if (e.kind() == SyncException.Kind.REFUSED && joined) {
      return new CommandFailure("the server refused this device: it was revoked, or its space or device was"
          + " removed. Delete " + CredentialsFile.of(database) + " and join again with a pairing code from"
          + " another device of the space (lattice pair)");
    }
    return e;
  }

  /** --watch: continuous sync until Ctrl-C (exit 0) or a failure retrying cannot fix (exit 1, its one line). */
  private int watch(SyncClient client, URI base, boolean joined) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    out.println("Watching " + database + " with " + base + ". Ctrl-C stops.");
    out.flush();
    CountDownLatch stopAsked = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread onSignal = new Thread(() -> {
      stopAsked.countDown();
      WatchedSync.awaitQuietly(stopped); // the JVM exits when hooks end: let the watch close the database first
    }, "lattice-sync-watch-signal");
    Runtime.getRuntime().addShutdownHook(onSignal);
    SyncStatus failure;
    try {
      failure = new WatchedSync(client, out, System.console() != null).run(stopAsked);
    } finally {
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException e) {
        // shutting down: the hook is running
      }
    }
    if (failure != null && failure.error() != null) {
      throw refused(failure.error(), joined);
    }
    out.println("Stopped watching " + database + ".");
    out.flush();
    return 0;
  }

  /** Two files on this machine: the driver's in-process sync, both ways; nothing leaves the machine. */
  private int withFile(Path other) throws Exception {
    if (other.toAbsolutePath().normalize().equals(database.toAbsolutePath().normalize())) {
      throw new CommandFailure("--peer names the database itself: give the other device's file");
    }
    try (Connection a = Databases.openReplica(database); Connection b = Databases.openReplica(other)) {
      Replica mine = Replica.of(a);
      Replica theirs = Replica.of(b);
      List<String> differences = mine.schema().differences(theirs.schema());
      if (!differences.isEmpty()) {
        throw new CommandFailure(database + " and " + other + " track different tables or columns: "
            + String.join("; ", differences) + ". Track the same tables on both (lattice enable), then sync again");
      }
      if (mine.siteId().equals(theirs.siteId())) {
        throw new CommandFailure(database + " and " + other + " have the same site id, so one is a copy of the other:"
            + " restore copies with lattice import (which gives them a new site id) instead of copying the file");
      }
      long started = System.nanoTime();
      MergeResult result = mine.syncWith(theirs);
      long millis = (System.nanoTime() - started) / 1_000_000;
      remember(a, mine.siteId(), theirs, other);
      remember(b, theirs.siteId(), mine, database);
      PrintWriter out = spec.commandLine().getOut();
      out.println("Synced " + database + " with " + other + ": " + result.cellsApplied() + " cell(s) applied, "
          + result.cellsIgnored() + " already held, " + result.conflicts() + " conflict(s), " + millis + " ms.");
      out.flush();
    }
    return 0;
  }

  /** Records the sync in {@code c}'s history, as a sync through the protocol would. */
  private static void remember(Connection c, SiteId self, Replica peer, Path peerFile) throws Exception {
    SyncHistory.record(c, new SyncHistory.Peer(peer.siteId().bytes(), peerFile.toString(),
        peer.versionVector().get(self), Instant.now()));
  }
}
