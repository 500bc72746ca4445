package dev.lattice.server.http;

import dev.lattice.server.config.TrustedProxies;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Which client made a request: the peer address, or, when the peer is a trusted proxy, the rightmost untrusted address
 * of the header the proxies write ({@link TrustedProxies}). Keys the per-address rate limit and the request log.
 */
final class ClientAddress {
  private final TrustedProxies proxies;

  ClientAddress(TrustedProxies proxies) {
    this.proxies = proxies;
  }

  String of(Context ctx) {
    String peer = ctx.req().getRemoteAddr();
    if (!proxies.any() || !proxies.trusts(peer)) {
      return peer; // the header is not even read: from anyone else it is only a claim
    }
    List<String> values = Collections.list(ctx.req().getHeaders(proxies.header().headerName()));
    List<String> chain = proxies.header() == TrustedProxies.Header.FORWARDED
        ? forwardedFor(values)
        : xForwardedFor(values);
    return proxies.clientOf(peer, chain);
  }

  /** {@code X-Forwarded-For: a, b} in every occurrence, left to right. */
  static List<String> xForwardedFor(List<String> values) {
    List<String> chain = new ArrayList<>();
    for (String value : values) {
      for (String item : value.split(",")) {
        chain.add(withoutPort(item.strip()));
      }
    }
    return chain;
  }

  /** The {@code for=} node of each element of RFC 7239 {@code Forwarded}, left to right; "" for an element without. */
  static List<String> forwardedFor(List<String> values) {
    List<String> chain = new ArrayList<>();
    for (String value : values) {
      for (String element : value.split(",")) {
        String node = "";
        for (String pair : element.split(";")) {
          String p = pair.strip();
          if (p.length() > 4 && p.substring(0, 4).toLowerCase(Locale.ROOT).equals("for=")) {
            node = unquote(p.substring(4).strip());
          }
        }
        chain.add(withoutPort(node));
      }
    }
    return chain;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  /** {@code [2001:db8::1]:4711} is {@code 2001:db8::1}, {@code 192.0.2.1:80} is {@code 192.0.2.1}. */
  private static String withoutPort(String node) {
    if (node.startsWith("[")) {
      int end = node.indexOf(']');
      return end > 0 ? node.substring(1, end) : node;
    }
    int colon = node.indexOf(':');
    return colon > 0 && colon == node.lastIndexOf(':') ? node.substring(0, colon) : node;
  }
}
