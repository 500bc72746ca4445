package dev.lattice.sync.wire;

import java.util.List;

/**
 * The stable points of two peers, exchanged before a tree reconciliation: the asker sends its own, the responder adopts
 * it where it can and answers with its own. A stable point is a vector every device of the space holds; tombstones at
 * or below it are dropped (see docs/architecture.md, "Compaction"), so two peers that dropped different amounts
 * differ in their trees while holding the same data. Agreeing on the point first makes their trees agree again.
 *
 * @param vector the sender's stable point after adopting the other side's (empty if it knows none)
 * @param root the sender's tree root after dropping what lies at or below it
 */
public record Stable(List<VectorEntry> vector, TreeRoot root) implements Message {
  public Stable {
    vector = Check.list(vector, "vector");
    Check.present(root, "root");
  }
}
