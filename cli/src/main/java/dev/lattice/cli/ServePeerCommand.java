package dev.lattice.cli;

import dev.lattice.sync.serving.PeerHost;
import dev.lattice.sync.serving.PeerServer;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lattice serve-peer}: serves one database to other devices ({@link PeerHost}), so two devices sync with no
 * server between them: the other runs {@code lattice sync <its db> --peer <url printed here>}. Runs until Ctrl-C (or
 * SIGTERM), then stops gracefully: requests in progress finish, live peers are told, the database is closed.
 */
@Command(name = "serve-peer", mixinStandardHelpOptions = true,
    description = {"Serve a database to other devices (lattice sync <db> --peer <url>) until Ctrl-C.",
        "Loopback only unless --host says otherwise. Encrypted with LATTICE_PASSPHRASE or a prompt, unless --plain."})
final class ServePeerCommand implements Callable<Integer> {
  @ParentCommand
  Lattice lattice;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<db>", description = "the database file")
  Path database;

  @Option(names = "--host", paramLabel = "<host>", description = "address to listen on (default: ${DEFAULT-VALUE})")
  String host = "127.0.0.1";

  @Option(names = "--port", paramLabel = "<port>", description = "port to listen on; 0 picks a free one (default:"
      + " ${DEFAULT-VALUE})")
  int port = 7421;

  @Option(names = "--plain", description = "serve without end-to-end encryption (peers must use --plain too)")
  boolean plain;

  @Override
  public Integer call() throws Exception {
    Databases.openReplica(database).close(); // refuses a missing file or a plain database before any prompt
    Encryption encryption = plain ? Encryption.off() : passphrase();
    CountDownLatch stopAsked = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread onSignal = new Thread(() -> {
      stopAsked.countDown();
      try {
        stopped.await(30, TimeUnit.SECONDS); // the JVM exits when hooks end: let the serving thread close first
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "lattice-serve-peer-stop");
    PrintWriter out = spec.commandLine().getOut();
    boolean interrupted = false;
    try (ReplicaStore store = ReplicaStore.open(Databases.url(database), encryption)) {
      PeerHost host = PeerHost.start(store, PeerServer.Options.defaults().withHost(this.host).withPort(port),
          SyncOptions.DEFAULTS);
      try {
        Runtime.getRuntime().addShutdownHook(onSignal);
        out.println("Serving " + database + " at " + host.uri() + (encryption.enabled() ? " (end-to-end encrypted)"
            : " (plain)") + ". Other devices: lattice sync <db> --peer " + host.uri() + ". Ctrl-C stops.");
        out.flush();
        stopAsked.await();
      } catch (InterruptedException e) {
        interrupted = true; // asked to stop by whoever runs this command's thread; stop as for Ctrl-C
      } finally {
        host.close(); // with the interrupt cleared: stopping the server waits for requests in progress
        removeHook(onSignal);
      }
    } finally {
      encryption.clear();
      stopped.countDown();
    }
    out.println("Stopped serving " + database + ".");
    out.flush();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private Encryption passphrase() {
    char[] passphrase = lattice.passphrase("the space", false);
    try {
      return Encryption.passphrase(passphrase);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // already shutting down (the hook is running), or it was never added
    }
  }
}
