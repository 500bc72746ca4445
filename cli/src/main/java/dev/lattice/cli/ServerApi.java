package dev.lattice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The reference server's account routes (spaces, joining, pairing, devices), as the commands call them. Every way a
 * call can fail ends in a {@link CommandFailure} of one line that says what to do; a token is sent only in the
 * Authorization header and never appears in a message.
 */
final class ServerApi {
  /** How a call failed, which decides what the user is told to do. */
  enum Failure {
    /** Nothing answered at the address. */
    UNREACHABLE,
    /** Something answered, but not as a Lattice server does. */
    NOT_LATTICE,
    /** The server refused the secret presented (invite, pairing code, token). */
    REFUSED_SECRET,
    /** This device was revoked from the space. */
    REVOKED,
    /** No such space or device. */
    NOT_FOUND,
    /** Too many requests; Retry-After says when to try again. */
    RATE_LIMITED,
    /** The server cannot serve now (storage down, internal failure). */
    SERVER_FAILED,
    /** Anything else the server refused (bad request). */
    OTHER
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final URI server;
  private final HttpClient http;

  ServerApi(URI server) {
    this.server = normalized(server);
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** A server address given on the command line, checked: http(s), a host, no query; without a trailing slash. */
  static URI normalized(URI server) {
    String scheme = server.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || server.getHost() == null || server.getQuery() != null) {
      throw new CommandFailure(server + " is not a server address: give one such as http://127.0.0.1:7420");
    }
    return URI.create(server.toString().replaceAll("/+$", ""));
  }

  URI server() {
    return server;
  }

  JsonNode post(String path, String bearer, String json) {
    return call("POST", path, bearer, json);
  }

  JsonNode get(String path, String bearer) {
    return call("GET", path, bearer, null);
  }

  void delete(String path, String bearer) {
    call("DELETE", path, bearer, null);
  }

  private JsonNode call(String method, String path, String bearer, String json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server + path)).timeout(TIMEOUT)
        .header("Accept", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw failure(Failure.UNREACHABLE, "cannot reach " + server + ": check the address and that the server runs"
          + " (lattice serve)");
    } catch (HttpTimeoutException e) {
      throw failure(Failure.UNREACHABLE, server + " did not answer within " + TIMEOUT.toSeconds() + " s: try again"
          + " later");
    } catch (IOException e) {
      throw failure(Failure.UNREACHABLE, "cannot talk to " + server + " (" + e.getMessage() + "): check the address"
          + " and that the server runs (lattice serve)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailure("interrupted while waiting for " + server);
    }
    JsonNode body = parse(response.body());
    int status = response.statusCode();
    if (status / 100 == 2) {
      if (status == 204) {
        return JSON.nullNode();
      }
      if (body == null || !body.isObject()) {
        throw notLattice(status);
      }
      return body;
    }
    if (body == null || !body.has("error") || !body.has("message")) {
      throw notLattice(status); // every refusal of a Lattice server is {"error", "message"}
    }
    String error = body.get("error").asText();
    String message = body.get("message").asText();
    Failure kind = switch (status) {
      case 401 -> Failure.REFUSED_SECRET;
      case 403 -> error.equals("revoked") ? Failure.REVOKED : Failure.REFUSED_SECRET;
      case 404 -> Failure.NOT_FOUND;
      case 429 -> Failure.RATE_LIMITED;
      default -> status >= 500 ? Failure.SERVER_FAILED : Failure.OTHER;
    };
    throw new Refused(kind, error, server + " refused: " + message);
  }

  private Refused notLattice(int status) {
    return failure(Failure.NOT_LATTICE, server + " answered " + status + " but not as a Lattice server does: check"
        + " the address (the server's base, such as http://host:7420)");
  }

  private static Refused failure(Failure kind, String message) {
    return new Refused(kind, null, message);
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? null : JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  /** A call the server (or the network) refused: a {@link CommandFailure} whose kind commands may word further. */
  static final class Refused extends CommandFailure {
    private static final long serialVersionUID = 1L;
    private final transient Failure kind;
    private final String error;

    Refused(Failure kind, String error, String message) {
      super(message);
      this.kind = kind;
      this.error = error;
    }

    Failure kind() {
      return kind;
    }

    /** The server's error code ({@code invalid_invite}, {@code unknown_space}...), null if it gave none. */
    String error() {
      return error;
    }
  }
}
