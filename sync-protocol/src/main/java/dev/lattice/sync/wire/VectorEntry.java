package dev.lattice.sync.wire;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One site's entry of a version vector: the highest sequence number held from {@code site}. */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"site", "seq"})
public record VectorEntry(byte[] site, long seq) {
  public VectorEntry {
    Check.bytes(site, 16, "vector site");
    Check.notNegative(seq, "vector seq");
  }
}
