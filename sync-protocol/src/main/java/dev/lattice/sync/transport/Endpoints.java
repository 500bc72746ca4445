package dev.lattice.sync.transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a peer serves what, how its bodies are labelled and how large they may be: the one place the clients here and
 * the servers (lattice-sync-server's {@code PeerServer}, the reference server) agree on. Public for those servers,
 * which live in other modules; the address arithmetic stays here with the clients.
 */
public final class Endpoints {
  /** Request/response exchanges: {@code POST}, bodies {@link #CBOR}. */
  public static final String SYNC = "/lattice/sync";
  /** The live WebSocket: binary messages. */
  public static final String LIVE = "/lattice/live";
  /** {@code GET}: whether the peer is serving. */
  public static final String HEALTH = "/lattice/health";

  /** The media type of protocol messages (RFC 8949). */
  public static final String CBOR = "application/cbor";

  /**
   * The default limit on a request or reply body and on a live message, on both sides: the protocol's largest message
   * (16 MiB) plus room for the framing around it.
   */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = (16 << 20) + (64 << 10);

  private Endpoints() {}

  /** {@code base} with {@code path} appended, so a peer behind a path prefix (a reverse proxy) works too. */
  static URI resolve(URI base, String path) {
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
      throw new IllegalArgumentException("a peer address is http://host:port or https://host:port, not " + base);
    }
    String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    return URI.create(scheme + "://" + base.getRawAuthority() + prefix + path);
  }

  /** The live endpoint of the peer at http(s) {@code base}, as a ws(s) address. */
  static URI live(URI base) {
    URI http = resolve(base, LIVE);
    try {
      String scheme = http.getScheme().equals("https") ? "wss" : "ws";
      return new URI(scheme, http.getRawSchemeSpecificPart(), null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("no WebSocket address for " + base, e);
    }
  }

  /** Whether a Content-Type header names CBOR; parameters (after {@code ;}) are ignored. */
  public static boolean isCbor(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().equalsIgnoreCase(CBOR);
  }
}
