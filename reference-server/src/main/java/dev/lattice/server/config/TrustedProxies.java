package dev.lattice.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The proxies whose forwarding header is believed when the server decides which client made a request (for the
 * per-address rate limit and the request log). None by default: a header is only a claim, and believed from anyone it
 * would let every client pick its own address and so its own budget.
 *
 * <p>A proxy appends the address it heard from to the header. Reading it from the right, each address is believed
 * while it is a trusted proxy's; the first one that is not (the rightmost untrusted) is the client. Whatever stands
 * left of it was written by that client, or someone before it, and proves nothing.
 *
 * @param ranges the trusted addresses and networks; empty: none
 * @param header the header the proxies write; only that one is read, since a proxy passes the other one through as the
 *     client sent it
 */
public record TrustedProxies(List<Range> ranges, Header header) {
  /** Trusts no one: the peer address is the client. */
  public static final TrustedProxies NONE = new TrustedProxies(List.of(), Header.X_FORWARDED_FOR);

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** The forwarding header a proxy writes. */
  public enum Header {
    /** {@code X-Forwarded-For: client, proxy1, proxy2} (nginx, HAProxy, most load balancers). */
    X_FORWARDED_FOR("X-Forwarded-For"),
    /** RFC 7239: {@code Forwarded: for=client, for="[2001:db8::1]:4711"} (Caddy can, Envoy can). */
    FORWARDED("Forwarded");

    private final String name;

    Header(String name) {
      this.name = name;
    }

    public String headerName() {
      return name;
    }

    static Header parse(String value) {
      for (Header h : values()) {
        if (h.name.equalsIgnoreCase(value)) {
          return h;
        }
      }
      throw new IllegalArgumentException("'" + value + "' is neither X-Forwarded-For nor Forwarded");
    }
  }

  /** One trusted address or network: {@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code fd00::/8}. */
  public record Range(byte[] network, int prefixBits) {
    static Range parse(String text) {
      int slash = text.indexOf('/');
      byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
      int bits = address.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > address.length * 8) {
          throw new IllegalArgumentException("'" + text + "' has a bad prefix length (0.." + address.length * 8 + ")");
        }
      }
      return new Range(address, bits);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      try {
        return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixBits;
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public TrustedProxies {
    ranges = List.copyOf(ranges);
    Objects.requireNonNull(header, "header");
  }

  /** {@code "10.0.0.0/8, 192.0.2.7"}: addresses and CIDR networks, separated by commas or spaces. */
  public static TrustedProxies parse(String list) {
    List<Range> ranges = new ArrayList<>();
    for (String item : list.split("[,\\s]+")) {
      if (!item.isEmpty()) {
        ranges.add(Range.parse(item));
      }
    }
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("no address given (e.g. 10.0.0.0/8 or 192.0.2.7)");
    }
    return new TrustedProxies(ranges, Header.X_FORWARDED_FOR);
  }

  public TrustedProxies withHeader(Header header) {
    return new TrustedProxies(ranges, header);
  }

  TrustedProxies withHeader(String header) {
    return withHeader(Header.parse(header));
  }

  /** Whether any proxy is trusted at all. */
  public boolean any() {
    return !ranges.isEmpty();
  }

  /**
   * The client of a request that came from {@code peer} with {@code forwarded} (the header's addresses, left to right,
   * every occurrence of the header joined): the rightmost address that is not a trusted proxy's; the leftmost if all
   * are. An entry that is not an address (garbage, {@code unknown}, an obfuscated name) ends the walk: it is the
   * client as far as anyone trusted can tell, and keyed on as given.
   */
  public String clientOf(String peer, List<String> forwarded) {
    if (!trusts(peer)) {
      return peer;
    }
    String client = peer;
    for (int i = forwarded.size() - 1; i >= 0; i--) {
      client = forwarded.get(i);
      if (!trusts(client)) {
        return client;
      }
    }
    return client;
  }

  /** Whether {@code address} (a literal) is a trusted proxy's; false for anything that is not an address. */
  public boolean trusts(String address) {
    if (ranges.isEmpty()) {
      return false;
    }
    byte[] bytes;
    try {
      bytes = literal(address);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (Range range : ranges) {
      if (range.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return ranges.isEmpty() ? "none" : ranges + " by " + header.headerName();
  }

  /** An IP address literal's bytes, never a name lookup; IPv4-mapped IPv6 addresses come out as IPv4. */
  static byte[] literal(String text) {
    String s = text.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    // Checked here, because InetAddress would look up anything it cannot read as a literal (999.0.0.1) by DNS.
    boolean v4 = IPV4.matcher(s).matches();
    if (v4) {
      for (String octet : s.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
      }
    }
    if (!v4 && !IPV6.matcher(s).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address (names are not looked up)");
    }
    try {
      return InetAddress.getByName(s.toLowerCase(Locale.ROOT)).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
  }
}
