package dev.lattice.sync.wire;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Sent with {@link Hello} by a replica whose tracked schema changed since it last agreed on one with a peer: the
 * fingerprint of that earlier schema, and the new schema described (sealed in an encrypted space). A relay, which
 * cannot read schemas, moves its space to the new schema when the earlier one is the space's, and keeps the
 * description to tell replicas that have not migrated yet what differs.
 *
 * @param from fingerprint of the schema the sender last synced under
 * @param detail the sender's current schema, as {@code SyncStore.schemaDetail} describes it
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"from", "detail"})
public record SchemaMigration(byte[] from, byte[] detail) {
  public SchemaMigration {
    Check.present(from, "migration's earlier schema");
    Check.present(detail, "migration's schema description");
  }
}
