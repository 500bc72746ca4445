package dev.lattice.sync.store;

import dev.lattice.driver.TrackedSchema;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A replica's schema as its peers read it from {@link SyncStore#schemaDetail()}: the tracked tables as peers compare
 * them, and the SQL that made those tables and their indexes, so that a device joining with no tables can make them
 * as the space has them (types, defaults, constraints), not only by name.
 *
 * @param schema the tracked tables, as {@link TrackedSchema#differences} compares them
 * @param definitions per tracked table, its {@code CREATE TABLE} statement followed by its {@code CREATE INDEX} ones
 */
record SchemaDescription(TrackedSchema schema, Map<String, List<String>> definitions) {
  SchemaDescription {
    definitions = definitions == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(definitions));
  }
}
