package dev.lattice.sync.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One protocol message. Every message travels alone, as one CBOR (or, for debugging, JSON) document whose {@code type}
 * field names its kind; {@link WireCodec} encodes and strictly decodes them.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = Pull.class, name = "pull"),
    @JsonSubTypes.Type(value = Changes.class, name = "changes"),
    @JsonSubTypes.Type(value = Ack.class, name = "ack"),
    @JsonSubTypes.Type(value = Reconcile.class, name = "reconcile"),
    @JsonSubTypes.Type(value = Reconciled.class, name = "reconciled"),
    @JsonSubTypes.Type(value = Subscribe.class, name = "subscribe"),
    @JsonSubTypes.Type(value = SchemaMigration.class, name = "migrate"),
    @JsonSubTypes.Type(value = Stable.class, name = "stable"),
    @JsonSubTypes.Type(value = Allocate.class, name = "allocate"),
    @JsonSubTypes.Type(value = Allocated.class, name = "allocated"),
    @JsonSubTypes.Type(value = Failure.class, name = "failure")
})
public sealed interface Message
    permits Hello, Welcome, Pull, Changes, Ack, Reconcile, Reconciled, Subscribe, SchemaMigration, Stable, Allocate,
        Allocated, Failure {
  /**
   * The protocol version this code speaks; a peer speaking another is refused by name. Version 2 added
   * {@link Stable}: peers that drop tombstones must agree on what they dropped. {@link Allocate} came later without a
   * new version: only replicas with numbered tables send it, and a peer from before it answers it as malformed, which
   * the asker reports as a peer that hands out no numbers.
   */
  int PROTOCOL = 2;
}
