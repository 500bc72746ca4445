package dev.lattice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.server.LatticeServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A space on a running reference server with devices joined to it, made through the server's HTTP API as an operator
 * and the devices' owner would: the first device by the space's invite, the others by pairing codes.
 *
 * @param url the server's base URL
 * @param spaceId the space
 * @param tokens each device's token, in the order the devices were named
 */
record ServerSpace(String url, String spaceId, List<String> tokens) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static ServerSpace create(LatticeServer server, String adminToken, String... devices) throws Exception {
    return create(server.uri(), adminToken, devices);
  }

  /** As {@link #create(LatticeServer, String, String...)}, on the server at {@code uri} (another process, say). */
  static ServerSpace create(URI uri, String adminToken, String... devices) throws Exception {
    JsonNode space = post(uri, "/admin/spaces", adminToken, "{\"name\":\"cli test\"}");
    String spaceId = space.get("spaceId").asText();
    List<String> tokens = new ArrayList<>();
    for (String device : devices) {
      String joinWith = tokens.isEmpty()
          ? "\"invite\":\"" + space.get("inviteToken").asText() + "\""
          : "\"pairingCode\":\"" + post(uri, "/spaces/" + spaceId + "/pairing", tokens.get(0), null)
              .get("pairingCode").asText() + "\"";
      tokens.add(post(uri, "/spaces/" + spaceId + "/devices/join", null,
          "{" + joinWith + ",\"name\":\"" + device + "\"}").get("deviceToken").asText());
    }
    return new ServerSpace(uri.toString(), spaceId, List.copyOf(tokens));
  }

  /** The arguments of {@code lattice sync} for device {@code index} of this space. */
  List<String> syncArguments(String database, int index) {
    return List.of("sync", database, "--server", url, "--space", spaceId, "--token", tokens.get(index));
  }

  private static JsonNode post(URI server, String path, String token, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    request.POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response::body);
    return JSON.readTree(response.body());
  }
}
