package dev.lattice.driver.capture;

import dev.lattice.core.SiteId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Site ids and the small integers metadata stores in their place ({@code lattice_sites}), read once per merge; a site
 * seen for the first time gets its ordinal when a version of it is first stored.
 */
final class SiteOrdinals {
  private final Connection c;
  private final Map<SiteId, Integer> ordinals = new HashMap<>();
  private final Map<Integer, SiteId> sites = new HashMap<>();

  private SiteOrdinals(Connection c) {
    this.c = c;
  }

  static SiteOrdinals load(Connection c) throws SQLException {
    SiteOrdinals known = new SiteOrdinals(c);
    try (PreparedStatement p = c.prepareStatement("SELECT ord, site_id FROM lattice_sites");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        known.remember(r.getInt(1), SiteId.of(r.getBytes(2)));
      }
    }
    return known;
  }

  /** The ordinal of {@code site}, given it now if it has none. */
  int ordinal(SiteId site) throws SQLException {
    Integer ord = ordinals.get(site);
    if (ord == null) {
      ord = (int) Sql.oneLong(c, "INSERT INTO lattice_sites(site_id) VALUES (?) RETURNING ord", site.bytes());
      remember(ord, site);
    }
    return ord;
  }

  /** The ordinal of {@code site}, or null if nothing of it is stored. */
  Integer known(SiteId site) {
    return ordinals.get(site);
  }

  SiteId site(int ordinal) {
    return sites.get(ordinal);
  }

  private void remember(int ordinal, SiteId site) {
    ordinals.put(site, ordinal);
    sites.put(ordinal, site);
  }
}
