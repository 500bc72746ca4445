package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.server.config.RateLimit;
import dev.lattice.server.config.ServerConfig;
import dev.lattice.server.config.TrustedProxies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-address rate limit behind a proxy, on a real server over loopback (the test is the proxy, at 127.0.0.1): a
 * trusted proxy's forwarding header names the client that spends the budget; anyone else's is ignored.
 */
@Timeout(60)
class TrustedProxiesThroughServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** Two attempts, then nothing for a long while: the third from one client is refused. */
  private static final RateLimit TWO = new RateLimit(0.001, 2);

  @TempDir Path dir;

  @Test
  void fromATrustedProxy_theForwardedClientSpendsItsOwnBudget() throws Exception {
    try (TestServer server = start(TrustedProxies.parse("127.0.0.0/8"))) {
      List<Integer> first = attempts(server.uri(), 3, "X-Forwarded-For", "203.0.113.9, 127.0.0.1");
      List<Integer> second = attempts(server.uri(), 1, "X-Forwarded-For", "203.0.113.10");
      // A client that writes its own header in front of the proxy's gains nothing: the proxy appended the real one.
      List<Integer> spoofing = attempts(server.uri(), 1, "X-Forwarded-For", "198.51.100.1, 203.0.113.9");

      assertEquals(List.of(401, 401, 429), first, "the forwarded client's own budget, spent");
      assertEquals(List.of(401), second, "another client behind the same proxy has a budget of its own");
      assertEquals(List.of(429), spoofing, "the rightmost untrusted address is the client");
    }
  }

  @Test
  void theForwardedHeader_whenTheProxiesWriteThatOne() throws Exception {
    TrustedProxies proxies = TrustedProxies.parse("127.0.0.1").withHeader(TrustedProxies.Header.FORWARDED);
    try (TestServer server = start(proxies)) {
      List<Integer> one = attempts(server.uri(), 3, "Forwarded", "for=\"[2001:db8::7]:4711\";proto=https");
      List<Integer> other = attempts(server.uri(), 1, "Forwarded", "for=192.0.2.60");
      List<Integer> ignored = attempts(server.uri(), 1, "X-Forwarded-For", "192.0.2.99");

      assertEquals(List.of(401, 401, 429), one);
      assertEquals(List.of(401), other);
      assertEquals(List.of(401), ignored, "X-Forwarded-For is not read: the header is the peer's, 127.0.0.1's");
    }
  }

  @Test
  void fromAnUntrustedPeer_theHeaderIsIgnored() throws Exception {
    try (TestServer server = start(TrustedProxies.parse("10.0.0.0/8"))) {
      List<Integer> codes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        codes.addAll(attempts(server.uri(), 1, "X-Forwarded-For", "203.0.113." + i)); // a new "client" each time
      }
      assertEquals(List.of(401, 401, 429), codes, "one budget: the peer's");
    }
  }

  @Test
  void byDefault_noProxyIsTrusted() throws Exception {
    try (TestServer server = TestServer.start(TestServer.config(dir).withIpRate(TWO), new DeviceDatabaseSyncs(dir))) {
      List<Integer> codes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        codes.addAll(attempts(server.uri(), 1, "X-Forwarded-For", "203.0.113." + i));
      }
      assertEquals(List.of(401, 401, 429), codes);
    }
  }

  private TestServer start(TrustedProxies proxies) throws Exception {
    ServerConfig config = TestServer.config(dir).withIpRate(TWO).withTrustedProxies(proxies);
    return TestServer.start(config, new DeviceDatabaseSyncs(dir));
  }

  /** Admin calls with a wrong token: each spends the client address's budget (401 while there is some, then 429). */
  private static List<Integer> attempts(URI server, int n, String header, String value) throws Exception {
    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.resolve("/admin/spaces"))
          .header("Authorization", "Bearer wrong-token").header(header, value)
          .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      codes.add(response.statusCode());
    }
    return codes;
  }
}
