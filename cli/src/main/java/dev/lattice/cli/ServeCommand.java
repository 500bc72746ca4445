package dev.lattice.cli;

import dev.lattice.server.LatticeServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code lattice serve}: the reference sync server. Its flags belong to the server ({@code lattice serve --help} lists
 * them, with their {@code LATTICE_*} variables), so they are passed through as given.
 */
@Command(name = "serve",
    description = {"Run the reference sync server: embedded SQLite in ./lattice-data unless told otherwise.",
        "Its flags and LATTICE_* variables: lattice serve --help. Stop it with Ctrl-C (or SIGTERM): requests in",
        "progress finish first."})
final class ServeCommand implements Runnable {
  @Unmatched
  List<String> flags = new ArrayList<>();

  @Override
  public void run() {
    LatticeServer.main(flags.toArray(String[]::new)); // exits with 2 (bad flag) or 1 (cannot start) by itself
    if (flags.contains("--help") || flags.contains("-h")) {
      return;
    }
    try {
      new CountDownLatch(1).await(); // serves until the JVM is told to stop; the server's shutdown hook closes it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
