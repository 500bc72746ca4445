package dev.lattice.sync.wire;

import java.util.List;

/**
 * Opens a sync: who is asking, what it tracks, what it holds. Answered by {@link Welcome}.
 *
 * @param protocol {@link Message#PROTOCOL} of the asker
 * @param site the asker's site id
 * @param schema fingerprint of the asker's tracked tables (keyed in an encrypted space)
 * @param vector the asker's version vector
 * @param root the asker's tree root
 * @param key how the asker's space key was derived, with its key check; null when encryption is off or the asker
 *     has the passphrase but not yet the space's parameters
 * @param encrypted whether the asker encrypts: with no {@code key}, it asks for the space's parameters
 * @param maxCells the most cells the asker wants per batch
 * @param maxBytes the largest message the asker accepts
 */
public record Hello(int protocol, byte[] site, byte[] schema, List<VectorEntry> vector, TreeRoot root, KeyInfo key,
    boolean encrypted, int maxCells, int maxBytes) implements Message {
  public Hello {
    Check.bytes(site, 16, "site");
    Check.present(schema, "schema");
    vector = Check.list(vector, "vector");
    Check.present(root, "root");
    Check.notNegative(maxCells, "maxCells");
    Check.notNegative(maxBytes, "maxBytes");
  }
}
