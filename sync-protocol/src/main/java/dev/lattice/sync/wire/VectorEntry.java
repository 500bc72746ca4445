package dev.lattice.sync.wire;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One site's entry of a version vector as it travels: the highest sequence number held from {@code site}. A vector is
 * a list of them on the wire and a {@link VersionVector} everywhere else; {@link #list} and {@link #vector} are the one
 * way between the two.
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"site", "seq"})
public record VectorEntry(byte[] site, long seq) {
  public VectorEntry {
    Check.bytes(site, 16, "vector site");
    Check.notNegative(seq, "vector seq");
  }

  /** {@code vector} as it travels, in site order. */
  public static List<VectorEntry> list(VersionVector vector) {
    List<VectorEntry> out = new ArrayList<>(vector.entries().size());
    vector.entries().forEach((site, seq) -> out.add(new VectorEntry(site.bytes(), seq)));
    return out;
  }

  /** The vector {@code entries} state; a site named twice counts with its highest entry, and entries of 0 say nothing. */
  public static VersionVector vector(List<VectorEntry> entries) {
    Map<SiteId, Long> bySite = new HashMap<>();
    for (VectorEntry e : entries) {
      bySite.merge(SiteId.of(e.site), e.seq, Math::max);
    }
    return VersionVector.of(bySite);
  }
}
