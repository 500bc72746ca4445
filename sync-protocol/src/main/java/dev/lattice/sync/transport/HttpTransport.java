package dev.lattice.sync.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of a peer's {@code POST /lattice/sync} ({@link Endpoints#SYNC}): each {@link #exchange} is one HTTP request with
 * a CBOR body, answered by one CBOR reply. Connections are pooled by the JDK's {@link HttpClient} and reused.
 *
 * <p>Failures are {@link IOException}s that name the peer: "peer http://10.0.0.2:7070 is unreachable: ...", "...
 * answered 413: request body of ... exceeds the limit of ... bytes", "... did not answer within 60 s". A reply larger
 * than {@link Options#maxReplyBytes()} is refused without being read whole.
 *
 * <p>Thread-safe, though the {@link Transport} contract has one session use it at a time.
 */
public final class HttpTransport implements Transport {
  /** How much of an error answer's text is kept for the exception message. */
  private static final int ERROR_TEXT_CHARS = 200;

  /**
   * How an {@link HttpTransport} talks to its peer.
   *
   * @param connectTimeout how long to wait for a connection
   * @param requestTimeout how long one exchange may take in all, from sending to the last byte of the reply
   * @param maxReplyBytes the largest reply accepted
   */
  public record Options(Duration connectTimeout, Duration requestTimeout, int maxReplyBytes) {
    public Options {
      requirePositive(connectTimeout, "connectTimeout");
      requirePositive(requestTimeout, "requestTimeout");
      if (maxReplyBytes < 1) {
        throw new IllegalArgumentException("maxReplyBytes must be positive, was " + maxReplyBytes);
      }
    }

    /** 10 s to connect, 60 s per exchange, replies up to {@link Endpoints#DEFAULT_MAX_MESSAGE_BYTES}. */
    public static Options defaults() {
      return new Options(Duration.ofSeconds(10), Duration.ofSeconds(60), Endpoints.DEFAULT_MAX_MESSAGE_BYTES);
    }

    public Options withConnectTimeout(Duration connectTimeout) {
      return new Options(connectTimeout, requestTimeout, maxReplyBytes);
    }

    public Options withRequestTimeout(Duration requestTimeout) {
      return new Options(connectTimeout, requestTimeout, maxReplyBytes);
    }

    public Options withMaxReplyBytes(int maxReplyBytes) {
      return new Options(connectTimeout, requestTimeout, maxReplyBytes);
    }

    private static void requirePositive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + duration);
      }
    }
  }

  private final URI base;
  private final URI endpoint;
  private final Options options;
  private final String authorization;
  private final HttpClient client;

  /** A transport to the peer at {@code base} (e.g. {@code http://127.0.0.1:7070}) with {@link Options#defaults()}. */
  public HttpTransport(URI base) {
    this(base, Options.defaults());
  }

  /** A transport to the peer at {@code base} (e.g. {@code http://127.0.0.1:7070}). */
  public HttpTransport(URI base, Options options) {
    this(base, options, null);
  }

  /**
   * A transport to a server at {@code base} (e.g. {@code https://sync.example.com/spaces/s1}) that wants
   * {@code bearerToken} in every request's Authorization header. The token is kept out of every message and log.
   */
  public HttpTransport(URI base, Options options, String bearerToken) {
    this.authorization = bearerToken == null ? null : "Bearer " + bearerToken;
    this.base = Objects.requireNonNull(base, "base");
    this.endpoint = Endpoints.resolve(base, Endpoints.SYNC);
    this.options = Objects.requireNonNull(options, "options");
    this.client = HttpClient.newBuilder()
        // Plain HTTP/1.1: the JDK would otherwise try to upgrade cleartext connections to HTTP/2 on the first request.
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(options.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** The peer's base address. */
  public URI base() {
    return base;
  }

  /** The peer's base address, which names the peer in sync history; never the bearer token. */
  @Override
  public String toString() {
    return base.toString();
  }

  @Override
  public byte[] exchange(byte[] request) throws IOException {
    Objects.requireNonNull(request, "request");
    HttpRequest.Builder post = HttpRequest.newBuilder(endpoint)
        .timeout(options.requestTimeout())
        .header("Content-Type", Endpoints.CBOR)
        .header("Accept", Endpoints.CBOR)
        .POST(HttpRequest.BodyPublishers.ofByteArray(request));
    if (authorization != null) {
      post.header("Authorization", authorization);
    }
    HttpResponse<byte[]> response = await(client.sendAsync(post.build(), boundedBody()));
    if (response.statusCode() != 200) {
      throw PeerRefusal.of(response.statusCode(), response.headers(), "peer " + base + " answered "
          + response.statusCode() + ": " + errorText(response.body()));
    }
    String contentType = response.headers().firstValue("Content-Type").orElse(null);
    if (!Endpoints.isCbor(contentType)) {
      throw new IOException("peer " + base + " answered with " + (contentType == null ? "no content type" : contentType)
          + " instead of " + Endpoints.CBOR + ": is it a Lattice peer?");
    }
    return response.body();
  }

  /** Replies up to the limit; of an error answer, only the start of its text. */
  private BodyHandler<byte[]> boundedBody() {
    return info -> info.statusCode() == 200
        ? BoundedBodySubscriber.refusingOver(options.maxReplyBytes(),
            info.headers().firstValueAsLong("Content-Length").orElse(-1))
        : BoundedBodySubscriber.truncatingAt(ERROR_TEXT_CHARS * 4);
  }

  private HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> exchange) throws IOException {
    // One deadline for the whole exchange: the request timeout alone stops counting once the reply's headers arrive.
    try {
      return exchange.get(options.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = PeerFailures.unwrap(e);
      if (cause instanceof BoundedBodySubscriber.TooLargeException) {
        throw new IOException("peer " + base + " sent a reply " + cause.getMessage(), cause);
      }
      throw PeerFailures.describe(cause, base, cause instanceof HttpConnectTimeoutException
          ? options.connectTimeout() : options.requestTimeout());
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw PeerFailures.describe(new HttpTimeoutException("timed out"), base, options.requestTimeout());
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for peer " + base);
    }
  }

  /** The start of an error answer's text, on one line. */
  private static String errorText(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
    if (text.isEmpty()) {
      return "(no explanation)";
    }
    return text.length() <= ERROR_TEXT_CHARS ? text : text.substring(0, ERROR_TEXT_CHARS) + "...";
  }
}
