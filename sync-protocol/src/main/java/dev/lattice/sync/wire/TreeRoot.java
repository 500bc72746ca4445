package dev.lattice.sync.wire;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A reconciliation tree's root: how many cell versions it holds and their 16-byte digest. */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"count", "digest"})
public record TreeRoot(long count, byte[] digest) {
  public TreeRoot {
    Check.notNegative(count, "root count");
    Check.bytes(digest, 16, "root digest");
  }
}
