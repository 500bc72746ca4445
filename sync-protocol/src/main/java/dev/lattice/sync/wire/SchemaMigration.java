package dev.lattice.sync.wire;

import java.util.Arrays;

/**
 * Sent before {@link Hello} by a replica whose tracked schema changed since it last agreed on one with a peer (a
 * migration), and answered by {@link Ack}. A relay, which cannot read schemas, moves its space from {@code from} to
 * {@code to} when {@code from} is the space's current schema, and keeps {@code detail} to tell replicas that have not
 * migrated yet what differs; a device notes nothing, and the hello that follows decides. A message of its own, so
 * that the hello of every other sync stays as small as it was.
 *
 * @param from fingerprint of the schema the sender last synced under
 * @param to fingerprint of the sender's schema now
 * @param detail the sender's schema now, as {@code SyncStore.schemaDetail} describes it (sealed in an encrypted space)
 */
public record SchemaMigration(byte[] from, byte[] to, byte[] detail) implements Message {
  public SchemaMigration {
    Check.present(from, "from");
    Check.present(to, "to");
    Check.present(detail, "detail");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SchemaMigration m && Arrays.equals(from, m.from) && Arrays.equals(to, m.to)
        && Arrays.equals(detail, m.detail);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(from) + Arrays.hashCode(to)) + Arrays.hashCode(detail);
  }

  @Override
  public String toString() {
    return "SchemaMigration[" + from.length + " B -> " + to.length + " B, detail " + detail.length + " B]";
  }
}
