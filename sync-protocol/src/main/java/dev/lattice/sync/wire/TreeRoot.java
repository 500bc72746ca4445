package dev.lattice.sync.wire;

/** A reconciliation tree's root: how many cell versions it holds and their 16-byte digest. */
public record TreeRoot(long count, byte[] digest) {
  public TreeRoot {
    Check.notNegative(count, "root count");
    Check.bytes(digest, 16, "root digest");
  }
}
