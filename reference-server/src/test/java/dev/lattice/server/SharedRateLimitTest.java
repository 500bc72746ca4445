package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.server.config.RateLimit;
import dev.lattice.server.config.ServerConfig;
import dev.lattice.sync.Resources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-address budget across instances: two real servers on one real PostgreSQL, a client alternating between
 * them, spends one budget, not two.
 */
@Timeout(60)
class SharedRateLimitTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  @RegisterExtension final Resources resources = new Resources();

  @Test
  void twoInstancesOnOneDatabase_giveAClientOneAddressBudget() throws Exception {
    ServerConfig config = TestServer.config(dir, TestStorage.POSTGRES).withIpRate(new RateLimit(0.001, 4));
    LatticeServer a = resources.keep(LatticeServer.startWithRelay(config));
    LatticeServer b = resources.keep(LatticeServer.startWithRelay(config));

    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      codes.add(wrongAdminToken(i % 2 == 0 ? a.uri() : b.uri()));
    }

    assertEquals(List.of(401, 401, 401, 401, 429, 429), codes, "four attempts in all, whichever instance is asked");
  }

  /** An admin call with a wrong token: it spends the address's budget (401 while some is left, then 429). */
  private static int wrongAdminToken(URI server) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(server.resolve("/admin/spaces")).header("Authorization", "Bearer wrong")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
