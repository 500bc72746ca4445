package dev.lattice.driver;

import java.sql.SQLException;

/**
 * The changes a peer lacks, cut into batches ready for {@link Replica#apply(ChangeBatch)} on the peer: each batch
 * carries the sender's vector and what the receiver may claim once it is applied, so a receiver that stops after any
 * batch asks again with its new vector and resumes where it stopped. Reads one snapshot; close it.
 */
public interface ChangeBatches extends AutoCloseable {
  /**
   * The next batch, or null after the last one. The last batch covers the sender's whole vector and may be empty; a
   * database that never tracked a table has no batches at all.
   */
  ChangeBatch next() throws SQLException;

  @Override
  void close() throws SQLException;
}
