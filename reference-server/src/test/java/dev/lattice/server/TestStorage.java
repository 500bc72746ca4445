package dev.lattice.server;

import dev.lattice.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a test server keeps its data. The server tests run on both: each test class runs on SQLite, and its
 * {@code Postgres...Test} subclass runs the same tests on PostgreSQL.
 */
enum TestStorage {
  /** Embedded SQLite under the configuration's data directory: the default. */
  SQLITE {
    @Override
    ServerConfig configure(ServerConfig config) {
      return config.withPostgres(null);
    }

    @Override
    List<Path> files(ServerConfig config) {
      if (!Files.isDirectory(config.dataDir())) {
        return List.of();
      }
      try (Stream<Path> files = Files.walk(config.dataDir())) {
        return files.filter(Files::isRegularFile).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  },

  /** A new database on the test run's PostgreSQL ({@link TestPostgres}). */
  POSTGRES {
    @Override
    ServerConfig configure(ServerConfig config) {
      return config.withPostgres(TestPostgres.newConfig("server"));
    }

    @Override
    List<Path> files(ServerConfig config) {
      return TestPostgres.files(TestPostgres.databaseOf(config.postgres()));
    }
  };

  /** {@code config} with its data here; on PostgreSQL in a new, empty database. */
  abstract ServerConfig configure(ServerConfig config);

  /** Every file holding what a server with {@code config} stored (databases, their logs). */
  abstract List<Path> files(ServerConfig config);

  /** All of {@link #files}, as text that keeps every byte: for scans that look for what must not be there. */
  String storedBytes(ServerConfig config) {
    StringBuilder all = new StringBuilder();
    for (Path file : files(config)) {
      try {
        all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all.toString();
  }
}
