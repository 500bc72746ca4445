package dev.lattice.sync.wire;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.ByteBuffer;

/**
 * One cell version as it travels and as a relay stores it: the metadata a relay needs in the clear, and the payload
 * (table, key, column, value) sealed under the space key, or plain CBOR when encryption is off. The metadata is the
 * seal's associated data ({@link #associatedData()}), so a relay that alters it, or moves a payload to another cell,
 * is found out. Encoded as an array, without field names: a batch holds thousands.
 *
 * @param cell the cell's id: a keyed hash of (table, key, column) in an encrypted space
 * @param row the id of the cell's row (the row cell's id): a relay groups a row's cells by it
 * @param site the writer's site id
 * @param seq the writer's sequence number for this version
 * @param hlc the version's hybrid logical clock
 * @param cl the row's causal length when written
 * @param kind {@link #ROW}, {@link #COLUMN} or {@link #CONTRIBUTION}
 * @param payload the sealed or plain payload
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"cell", "row", "site", "seq", "hlc", "cl", "kind", "payload"})
public record Envelope(byte[] cell, byte[] row, byte[] site, long seq, long hlc, long cl, int kind, byte[] payload) {
  /** The row cell: its causal length says whether the row is alive. */
  public static final int ROW = 0;
  /** A column's value. */
  public static final int COLUMN = 1;
  /** One site's contribution to a counter column; the cell's value is the sum of its contributions. */
  public static final int CONTRIBUTION = 2;

  public Envelope {
    Check.bytes(cell, 16, "envelope cell");
    Check.bytes(row, 16, "envelope row");
    Check.bytes(site, 16, "envelope site");
    Check.notNegative(seq, "envelope seq");
    Check.notNegative(cl, "envelope cl");
    if (kind < ROW || kind > CONTRIBUTION) {
      throw new IllegalArgumentException("envelope kind must be 0 (row), 1 (column) or 2 (contribution), was " + kind);
    }
    Check.present(payload, "envelope payload");
  }

  /** The metadata in a fixed layout: what the payload's seal authenticates besides the payload. */
  public byte[] associatedData() {
    return ByteBuffer.allocate(1 + 16 * 3 + 8 * 3 + 1).put((byte) 1).put(cell).put(row).put(site).putLong(seq)
        .putLong(hlc).putLong(cl).put((byte) kind).array();
  }
}
