package dev.lattice.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private final TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.0.2.7 fd00::/8");

  @Test
  void addressesAndNetworks_v4AndV6() {
    assertTrue(proxies.trusts("10.200.3.4"));
    assertTrue(proxies.trusts("192.0.2.7"));
    assertFalse(proxies.trusts("192.0.2.8"));
    assertTrue(proxies.trusts("fd12::1"));
    assertTrue(proxies.trusts("[fd12::1]"));
    assertFalse(proxies.trusts("2001:db8::1"));
    assertFalse(proxies.trusts("unknown"));
    assertFalse(proxies.trusts("999.0.0.1"));
    assertTrue(TrustedProxies.parse("10.1.2.0/23").trusts("10.1.3.255"));
    assertFalse(TrustedProxies.parse("10.1.2.0/23").trusts("10.1.4.0"));
  }

  @Test
  void theClientIsTheRightmostUntrustedAddress() {
    assertEquals("203.0.113.5", proxies.clientOf("10.0.0.1", List.of("198.51.100.1", "203.0.113.5", "10.9.9.9")));
    assertEquals("10.0.0.2", proxies.clientOf("10.0.0.1", List.of("10.0.0.2")), "all trusted: the leftmost");
    assertEquals("10.0.0.1", proxies.clientOf("10.0.0.1", List.of()), "no header: the peer");
    assertEquals("203.0.113.5", proxies.clientOf("203.0.113.5", List.of("198.51.100.1")), "an untrusted peer");
    assertEquals("garbage", proxies.clientOf("10.0.0.1", List.of("1.1.1.1", "garbage")));
    assertFalse(TrustedProxies.NONE.trusts("127.0.0.1"));
  }

  @Test
  void flags_nameWhatIsWrong() throws Exception {
    ServerConfig config = ServerConfig.from(List.of("--trusted-proxies", "10.0.0.0/8", "--forwarded-header",
        "forwarded"), Map.of());
    assertEquals(TrustedProxies.Header.FORWARDED, config.trustedProxies().header());
    assertTrue(config.trustedProxies().trusts("10.1.1.1"));

    ConfigException name = assertThrows(ConfigException.class,
        () -> ServerConfig.from(List.of("--trusted-proxies", "proxy.example"), Map.of()));
    ConfigException prefix = assertThrows(ConfigException.class,
        () -> ServerConfig.from(List.of(), Map.of("LATTICE_TRUSTED_PROXIES", "10.0.0.0/33")));
    ConfigException header = assertThrows(ConfigException.class,
        () -> ServerConfig.from(List.of("--forwarded-header", "X-Real-IP"), Map.of()));

    assertTrue(name.getMessage().startsWith("--trusted-proxies takes <addresses>: 'proxy.example' is not an IP"
        + " address"), name.getMessage());
    assertTrue(prefix.getMessage().startsWith("LATTICE_TRUSTED_PROXIES takes"), prefix.getMessage());
    assertTrue(header.getMessage().contains("neither X-Forwarded-For nor Forwarded"), header.getMessage());
  }
}
