package dev.lattice.sync.wire;

import java.util.List;

/**
 * The answer to {@link Hello}: the responder's side of the same facts, and already the first batch of what the asker
 * lacks according to the two vectors, so that a device back online is up to date after one round trip.
 *
 * @param key the responder's key parameters and key check; null when its encryption is off
 * @param changes the first batch for the asker ({@link Changes#more()} says whether to {@link Pull} for more), or
 *     null when the responder holds nothing beyond the asker's vector: the common case of peers already in step
 */
public record Welcome(int protocol, byte[] site, byte[] schema, List<VectorEntry> vector, TreeRoot root, KeyInfo key,
    Changes changes) implements Message {
  public Welcome {
    Check.bytes(site, 16, "site");
    Check.present(schema, "schema");
    vector = Check.list(vector, "vector");
    Check.present(root, "root");
  }
}
