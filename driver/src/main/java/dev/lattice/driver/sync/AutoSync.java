package dev.lattice.driver.sync;

import dev.lattice.driver.SqlStates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The background syncs of this process: one per database file, shared by every connection opened with
 * {@code lattice.sync=auto} (a pool's included), started by the first and stopped {@link #LINGER} after the last
 * closes (so that a pool recycling its connections does not restart it), and at JVM exit.
 *
 * <p>The status is a value ({@link #status}), a SQL view on every such connection ({@code lattice_sync}), and events
 * for {@link AutoSyncListener}s registered with {@link #addListener}.
 *
 * <p>The passphrase comes from, in order: the {@value #PASSPHRASE_VARIABLE} variable, the {@code lattice.passphraseFile}
 * option, a registered {@link PassphraseProvider}. It is handed to the sync and never stored.
 */
public final class AutoSync {
  /** How long a database's sync outlives its last connection. */
  public static final Duration LINGER = Duration.ofSeconds(2);

  static final String PASSPHRASE_VARIABLE = "LATTICE_PASSPHRASE";

  private static final Map<Path, Entry> RUNNING = new HashMap<>();
  /** Per file, whether its sync runs or not: a listener may come before the first connection and outlive a restart. */
  private static final Map<Path, Listeners> LISTENERS = new ConcurrentHashMap<>();
  private static final ScheduledExecutorService LINGERING = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lattice-sync-linger");
    t.setDaemon(true);
    return t;
  });
  private static volatile PassphraseProvider passphraseProvider;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(AutoSync::stopAll, "lattice-sync-exit"));
  }

  private AutoSync() {}

  /** Registers where passphrases come from when neither the variable nor a file gives one; null to unregister. */
  public static void setPassphraseProvider(PassphraseProvider provider) {
    passphraseProvider = provider;
  }

  /**
   * Tells {@code listener} of {@code database}'s background sync from now on: status changes, changes applied and
   * conflicts recorded (see {@link AutoSyncListener}). May be called before the database's first connection opens;
   * stays registered while its sync stops and starts again, until {@link #removeListener}. {@link #status} gives the
   * status as it is when registering.
   */
  public static void addListener(Path database, AutoSyncListener listener) {
    Objects.requireNonNull(listener, "listener");
    LISTENERS.computeIfAbsent(canonical(database), k -> new Listeners()).add(listener);
  }

  /** Stops telling {@code listener} of {@code database}'s sync. */
  public static void removeListener(Path database, AutoSyncListener listener) {
    LISTENERS.computeIfPresent(canonical(database), (k, listeners) -> {
      listeners.remove(listener);
      return listeners;
    });
  }

  /** The status of {@code database}'s background sync in this process, if one runs. */
  public static Optional<AutoSyncStatus> status(Path database) {
    synchronized (RUNNING) {
      Entry e = RUNNING.get(canonical(database));
      return e == null ? Optional.empty() : Optional.of(e.session.status());
    }
  }

  /** How many databases sync in the background in this process now. */
  public static int running() {
    synchronized (RUNNING) {
      return RUNNING.size();
    }
  }

  /** A connection's share of its database's sync; closing it lets the sync stop once no connection holds one. */
  public static final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean closed;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    public AutoSyncStatus status() {
      return entry.session.status();
    }

    @Override
    public void close() {
      synchronized (RUNNING) {
        if (closed) {
          return;
        }
        closed = true;
        if (--entry.leases == 0) {
          // A sync in error (not joined, no or a wrong passphrase) is not kept: the next connection tries afresh,
          // after the user has fixed what the error said.
          long delay = entry.session.status().state() == AutoSyncState.ERROR ? 0 : LINGER.toMillis();
          entry.stopping = LINGERING.schedule(() -> stopIfUnused(entry), delay, TimeUnit.MILLISECONDS);
        }
      }
    }
  }

  private static final class Entry {
    final Path database;
    final AutoSyncSession session;
    int leases;
    ScheduledFuture<?> stopping;

    Entry(Path database, AutoSyncSession session) {
      this.database = database;
      this.session = session;
    }
  }

  /**
   * Joins (or starts) {@code database}'s background sync.
   *
   * @throws SQLException if no {@link AutoSyncProvider} is on the class path, or the database is not a file
   */
  public static Lease acquire(Path database, SyncSettings settings) throws SQLException {
    Path key = canonical(database);
    synchronized (RUNNING) {
      Entry entry = RUNNING.get(key);
      if (entry == null) {
        char[] passphrase = passphrase(key, settings);
        try {
          Listeners listeners = LISTENERS.computeIfAbsent(key, k -> new Listeners());
          entry = new Entry(key, provider().start(key, passphrase, listeners));
        } finally {
          if (passphrase != null) {
            Arrays.fill(passphrase, '\0');
          }
        }
        RUNNING.put(key, entry);
      } else if (entry.stopping != null) {
        entry.stopping.cancel(false);
        entry.stopping = null;
      }
      entry.leases++;
      return new Lease(entry);
    }
  }

  private static void stopIfUnused(Entry entry) {
    synchronized (RUNNING) {
      if (entry.leases > 0 || RUNNING.get(entry.database) != entry) {
        return;
      }
      RUNNING.remove(entry.database);
    }
    entry.session.close(); // outside the lock: it waits for the sync's thread
  }

  private static void stopAll() {
    List<Entry> all;
    synchronized (RUNNING) {
      all = List.copyOf(RUNNING.values());
      RUNNING.clear();
    }
    all.forEach(e -> e.session.close());
  }

  private static AutoSyncProvider provider() throws SQLException {
    Iterator<AutoSyncProvider> found = ServiceLoader.load(AutoSyncProvider.class, AutoSync.class.getClassLoader())
        .iterator();
    if (!found.hasNext()) {
      throw new SQLException("lattice.sync=auto needs lattice-sync-protocol on the class path (dev.lattice:"
          + "lattice-sync-protocol): add it, or leave lattice.sync off", SqlStates.FEATURE_NOT_SUPPORTED);
    }
    return found.next();
  }

  /** The passphrase from the variable, the option's file or the provider; null if none gives one. */
  private static char[] passphrase(Path database, SyncSettings settings) throws SQLException {
    String variable = System.getenv(PASSPHRASE_VARIABLE);
    if (variable != null && !variable.isEmpty()) {
      return variable.toCharArray();
    }
    if (settings.passphraseFile() != null) {
      try {
        String text = Files.readString(settings.passphraseFile(), StandardCharsets.UTF_8);
        String first = text.lines().findFirst().orElse("");
        if (!first.isEmpty()) {
          return first.toCharArray();
        }
      } catch (IOException e) {
        throw new SQLException("lattice.passphraseFile " + settings.passphraseFile() + " cannot be read: " + e,
            SqlStates.UNABLE_TO_CONNECT);
      }
    }
    PassphraseProvider provider = passphraseProvider;
    return provider == null ? null : provider.passphrase(database);
  }

  private static Path canonical(Path database) {
    Path absolute = database.toAbsolutePath().normalize();
    try {
      return absolute.toRealPath();
    } catch (IOException e) {
      return absolute;
    }
  }
}
