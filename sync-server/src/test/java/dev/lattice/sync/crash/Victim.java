package dev.lattice.sync.crash;

import dev.lattice.driver.ChangeBatch;
import dev.lattice.driver.ChangeBatches;
import dev.lattice.driver.Replica;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.serving.PeerHost;
import dev.lattice.sync.serving.PeerServer;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * The program {@link CrashHarnessTest} kills: it runs one role against a database until it is killed (or its work is
 * done), and appends to a journal, flushed to disk ({@link FileChannel#force}) line by line, what it has finished:
 * {@code T <i>} once the COMMIT of workload transaction {@code i} has returned, {@code F+} and
 * {@code F- <rows> rows in <ms> ms} around a fold, {@code C+} and {@code C- <tombstones>} around a compaction, {@code B} after each merged batch, {@code U <uri>} where it serves,
 * {@code D} when its work is done. The journal
 * exists as soon as the role starts, which is when the test starts its clock.
 *
 * <p>Arguments: {@code role database seed journal [peer]}, where peer is the source database (merge) or the URL of
 * the test's host (asker).
 */
public final class Victim {
  private final FileChannel journal;

  private Victim(FileChannel journal) {
    this.journal = journal;
  }

  public static void main(String[] args) throws Exception {
    String role = args[0];
    Path db = Path.of(args[1]);
    long seed = Long.parseLong(args[2]);
    try (FileChannel journal = FileChannel.open(Path.of(args[3]), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      Victim victim = new Victim(journal);
      switch (role) {
        case "writes" -> victim.write(db, seed, Roles.WRITES_SHAPE, 300);
        case "migrate" -> victim.write(db, seed, Roles.MIGRATE_SHAPE, 500);
        case "fold" -> victim.foldLongLogs(db, seed);
        case "compact" -> victim.compactWhileWriting(db, seed);
        case "merge" -> victim.merge(db, Path.of(args[4]));
        case "asker" -> victim.ask(db, URI.create(args[4]));
        case "host" -> victim.host(db, seed);
        default -> throw new IllegalArgumentException("unknown role " + role);
      }
      victim.note("D");
    }
  }

  /** Workload transactions through a driver connection, each acknowledged once its COMMIT returned. */
  private void write(Path db, long seed, Workload.Shape shape, int foldThreshold) throws Exception {
    try (Connection c = driver(db, foldThreshold)) {
      Workload workload = new Workload("v", seed, shape, false);
      for (int i = 0; ; i++) {
        Workload.run(c, workload.nextTransaction());
        note("T " + i);
      }
    }
  }

  /** Long capture logs (nothing folds on its own), folded in one go, again and again. */
  private void foldLongLogs(Path db, long seed) throws Exception {
    try (Connection c = driver(db, 0)) {
      Workload workload = new Workload("v", seed, Roles.FOLD_SHAPE, false);
      Replica replica = Replica.of(c);
      for (int i = 0; ; ) {
        for (int end = i + Roles.FOLD_EVERY; i < end; i++) {
          Workload.run(c, workload.nextTransaction());
          note("T " + i);
        }
        note("F+");
        long started = System.nanoTime();
        long folded = replica.fold();
        note("F- " + folded + " rows in " + (System.nanoTime() - started) / 1_000_000 + " ms");
      }
    }
  }

  /**
   * Workload transactions, and after every few of them the database's own vector adopted as its stable point, which
   * drops the tombstones of its deletes (this database is the only replica the role knows).
   */
  private void compactWhileWriting(Path db, long seed) throws Exception {
    try (Connection c = driver(db, 300)) {
      Workload workload = new Workload("v", seed, Roles.WRITES_SHAPE, false);
      Replica replica = Replica.of(c);
      for (int i = 0; ; i++) {
        Workload.run(c, workload.nextTransaction());
        note("T " + i);
        if (i % Roles.COMPACT_EVERY == Roles.COMPACT_EVERY - 1) {
          note("C+");
          note("C- " + replica.adoptStablePoint(replica.versionVector()));
        }
      }
    }
  }

  /** Applies everything the source holds that this database lacks, batch after batch, in this process. */
  private void merge(Path db, Path source) throws Exception {
    try (Connection c = driver(db, 300); Connection from = DriverManager.getConnection("jdbc:sqlite:" + source)) {
      Replica replica = Replica.of(c);
      try (ChangeBatches batches = Replica.of(from).batchesSince(replica.versionVector(), Roles.BATCH_CELLS)) {
        for (ChangeBatch batch; (batch = batches.next()) != null; ) {
          replica.apply(batch);
          note("B");
        }
      }
    }
  }

  /** One sync session over HTTP with the test's host, asking. */
  private void ask(Path db, URI host) throws Exception {
    try (ReplicaStore store = ReplicaStore.open("jdbc:sqlite:" + db, Encryption.off());
        SyncClient client = SyncClient.builder(store, host)
            .options(SyncOptions.DEFAULTS.withBatchCells(Roles.BATCH_CELLS)).build()) {
      note("R");
      client.syncNow();
    }
  }

  /** Serves its database to the test's device, live, while the application keeps writing to it. */
  private void host(Path db, long seed) throws Exception {
    try (ReplicaStore store = ReplicaStore.open("jdbc:sqlite:" + db, Encryption.off());
        Connection c = driver(db, 300)) {
      PeerHost host = PeerHost.start(store, PeerServer.Options.defaults(),
          SyncOptions.DEFAULTS.withBatchCells(Roles.BATCH_CELLS));
      note("U " + host.uri());
      Workload workload = new Workload("v", seed, Workload.SMALL, false);
      for (int i = 0; ; i++) {
        Workload.run(c, workload.nextTransaction());
        note("T " + i);
        Thread.sleep(10);
      }
    }
  }

  private static Connection driver(Path db, int foldThreshold) throws Exception {
    return DriverManager.getConnection("jdbc:lattice:sqlite:" + db + "?lattice.foldThreshold=" + foldThreshold);
  }

  private void note(String line) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
    while (bytes.hasRemaining()) {
      journal.write(bytes);
    }
    journal.force(false);
  }
}
