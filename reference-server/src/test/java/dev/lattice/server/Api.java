package dev.lattice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The server's HTTP API as tests call it: java.net.http, JSON answers parsed. */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** An answer: status, headers, body as text, and as JSON when it is. */
  record Reply(int status, HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    String field(String name) {
      JsonNode node = json().get(name);
      return node == null || node.isNull() ? null : node.asText();
    }

    /** The error code of an error answer. */
    String error() {
      return field("error");
    }
  }

  private final URI base;

  Api(URI base) {
    this.base = base;
  }

  Reply get(String path, String token) {
    return send(request(path, token).GET());
  }

  Reply delete(String path, String token) {
    return send(request(path, token).DELETE());
  }

  /** POSTs {@code json} (a map or record, serialized) or nothing if null. */
  Reply post(String path, String token, Object json) {
    try {
      HttpRequest.Builder request = request(path, token);
      if (json == null) {
        return send(request.POST(HttpRequest.BodyPublishers.noBody()));
      }
      return send(request.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(json))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Reply postBytes(String path, String token, String contentType, byte[] body) {
    HttpRequest.Builder request = request(path, token);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** A space made by the operator: its id and invite. */
  record Space(String id, String invite) {}

  /** A device that joined: its space, id and token. */
  record Device(String space, String id, String token) {}

  Space createSpace(String adminToken) {
    Reply reply = post("/admin/spaces", adminToken, Map.of("name", "test space"));
    check(reply, 201);
    return new Space(reply.field("spaceId"), reply.field("inviteToken"));
  }

  Device join(Space space, String name) {
    Reply reply = post("/spaces/" + space.id() + "/devices/join", null, Map.of("invite", space.invite(), "name", name));
    check(reply, 201);
    return new Device(space.id(), reply.field("deviceId"), reply.field("deviceToken"));
  }

  Device pair(Device by, String name) {
    Reply code = post("/spaces/" + by.space() + "/pairing", by.token(), null);
    check(code, 201);
    Reply reply = post("/spaces/" + by.space() + "/devices/join", null,
        Map.of("pairingCode", code.field("pairingCode"), "name", name));
    check(reply, 201);
    return new Device(by.space(), reply.field("deviceId"), reply.field("deviceToken"));
  }

  List<String> deviceIds(Device by) {
    Reply reply = get("/spaces/" + by.space() + "/devices", by.token());
    check(reply, 200);
    return reply.json().get("devices").findValuesAsText("deviceId");
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  private static Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = CLIENT.send(request.build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void check(Reply reply, int status) {
    if (reply.status() != status) {
      throw new AssertionError("expected " + status + ", got " + reply.status() + ": " + reply.body());
    }
  }
}
