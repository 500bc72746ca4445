package dev.lattice.server.relay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

/** The relay on embedded SQLite, the default. */
class SqliteRelayStoreTest extends RelayStoreContract {
  @Override
  RelayDatabase openRelay(Path dir, String name, Clock clock) throws Exception {
    return RelayDatabase.openSqlite(dir.resolve(name + ".db"), clock);
  }

  @Override
  void placeVersion1(Path dir, String name) {
    RelayV1Fixture.copyTo(dir.resolve(name + ".db"));
  }

  @Override
  RelayDatabase reopenRelay(Path dir, String name, Clock clock) throws Exception {
    return RelayDatabase.openSqlite(dir.resolve(name + ".db"), clock);
  }

  @Override
  List<Path> storageFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("relay.db")).toList();
    }
  }
}
