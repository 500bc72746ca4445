package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.server.config.RateLimit;
import dev.lattice.server.config.ServerConfig;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.HttpTransport;
import dev.lattice.sync.transport.RawHttp;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.Ack;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Failure;
import dev.lattice.sync.wire.Message;
import dev.lattice.sync.wire.Subscribe;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.WireCodec;
import dev.lattice.sync.wire.WireException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile HTTP at a real server over loopback: random methods, paths (traversal, encoded dots and NULs,
 * doubled slashes, unicode, very long), query strings, headers (Authorization variants, bogus media types, lying or
 * repeated {@code Content-Length}) and bodies (noise, mutated real sync messages, oversized). Every answer is a
 * documented status with a JSON error body and no trace of the server's insides; nothing is a 500; and afterwards the
 * server is healthy and a real device still syncs. Hostile live messages likewise never close a socket with 1011.
 * The seed is fixed, so every build sends the same requests.
 */
@Timeout(120)
class HttpFuzzTest {
  private static final long SEED = 20261129L;
  private static final int REQUESTS = 3_000;
  /** Small, so that oversized bodies are cheap to send; still far above what the devices here sync. */
  private static final int MAX_BODY = 64 * 1024;

  /** What the server answers, per docs/architecture.md and openapi.json; 500 is not among them. */
  private static final Set<Integer> DOCUMENTED = Set.of(200, 201, 204, 400, 401, 403, 404, 405, 413, 414, 415, 429,
      431, 505);
  /** What would betray the server's insides in a body. */
  private static final List<String> INSIDES = List.of("Exception", "\tat ", "java.", "javax.", "org.eclipse",
      "io.javalin", "dev.lattice", "jetty", "Caused by");

  private static final WireCodec CODEC = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

  @TempDir Path dir;

  @Test
  void noRequestGetsA500OrATraceAndTheServerStillSyncsAfterward() throws Exception {
    ServerConfig config = TestServer.config(dir).withMaxBodyBytes(MAX_BODY)
        .withIpRate(new RateLimit(1_000_000, 1_000_000)).withDeviceRate(new RateLimit(1_000_000, 1_000_000));
    try (LatticeServer server = LatticeServer.startWithRelay(config);
        DeviceDatabase laptop = DeviceDatabase.encrypted(dir.resolve("laptop.db"), "space a words");
        DeviceDatabase bystander = DeviceDatabase.encrypted(dir.resolve("bystander.db"), "space b words");
        DeviceDatabase bystanderTwin = DeviceDatabase.encrypted(dir.resolve("twin.db"), "space b words")) {
      Api api = new Api(server.uri());
      Api.Space spaceA = api.createSpace(TestServer.ADMIN);
      Api.Device laptopId = api.join(spaceA, "laptop");
      Api.Device phoneId = api.pair(laptopId, "phone");
      Api.Space spaceB = api.createSpace(TestServer.ADMIN);
      Api.Device bystanderId = api.join(spaceB, "bystander");
      Api.Device twinId = api.pair(bystanderId, "twin");

      // Real messages to mutate: what the laptop sent while syncing space A.
      List<byte[]> recorded = new ArrayList<>();
      Transport toA = new HttpTransport(space(server, spaceA.id()), HttpTransport.Options.defaults(),
          laptopId.token());
      laptop.put("k1", "v1").put("k2", "v2");
      SyncSession.run(laptop.store, request -> {
        recorded.add(request);
        return toA.exchange(request);
      }, SyncOptions.DEFAULTS);
      bystander.put("b", "before the storm");
      syncB(server, bystander, bystanderId);

      Fuzzer fuzzer = new Fuzzer(new Random(SEED), spaceA, laptopId, phoneId, bystanderId, recorded);
      RawHttp http = new RawHttp(server.uri(), 10_000);
      Map<Integer, Integer> statuses = new TreeMap<>();
      List<String> findings = new ArrayList<>();
      List<String> oneOffs = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        Fuzzer.Request request = fuzzer.next();
        RawHttp.Response response;
        try {
          int at = i;
          response = request.mayGoUnanswered() ? http.send(request.head(), request.body())
              : http.sendTwiceIfUnanswered(request.head(), request.body(),
                  first -> oneOffs.add("#" + at + " " + request + ": " + first));
        } catch (RawHttp.NoResponse e) {
          statuses.merge(0, 1, Integer::sum);
          if (!request.mayGoUnanswered()) {
            findings.add("#" + i + " " + request + ": " + e.getMessage());
          }
          continue;
        }
        statuses.merge(response.status(), 1, Integer::sum);
        String problem = problem(request, response);
        if (problem != null) {
          findings.add("#" + i + " " + request + " -> " + response.status() + " " + response.text() + ": " + problem);
        }
      }
      System.out.printf("HttpFuzzTest: %d requests sent, statuses %s (0 = connection closed unanswered)%n", REQUESTS,
          statuses);
      oneOffs.forEach(o -> System.out.println("HttpFuzzTest: closed unanswered once, answered when sent again: " + o));
      assertTrue(findings.isEmpty(), findings.size() + " bad answers, the first ones:\n"
          + String.join("\n", findings.subList(0, Math.min(20, findings.size()))));

      // Healthy, nothing failed inside, and real devices still sync: space B, which the fuzz only probed, fully.
      assertEquals(200, api.get("/health", null).status());
      String metrics = api.get("/metrics", null).body();
      assertFalse(metrics.contains("status=\"500\""), "no request ended in a 500");
      bystander.put("b2", "after the storm");
      syncB(server, bystander, bystanderId);
      syncB(server, bystanderTwin, twinId);
      assertEquals(List.of("b=before the storm", "b2=after the storm"), bystanderTwin.rows());
      assertEquals(bystander.rows(), bystanderTwin.rows());
      // Only the server's own files in its data directory, whatever the paths asked for.
      try (Stream<Path> files = Files.list(config.dataDir())) {
        assertTrue(files.map(p -> p.getFileName().toString())
            .allMatch(n -> n.matches("(server|relay)\\.db(-wal|-shm)?")), "nothing but the databases in " + config.dataDir());
      }
    }
  }

  /**
   * Live messages of any shape, one hostile message per connection: the server answers (an ack, or a failure naming the
   * problem and never an internal one) and may close the socket, but never with 1011, the code of a server failing.
   */
  @Test
  void hostileLiveMessagesAreAnsweredOrRefusedAndNeverFailTheServer() throws Exception {
    int connections = 300;
    try (LatticeServer server = LatticeServer.startWithRelay(TestServer.config(dir).withMaxBodyBytes(MAX_BODY)
            .withIpRate(new RateLimit(1_000_000, 1_000_000)).withDeviceRate(new RateLimit(1_000_000, 1_000_000)));
        DeviceDatabase laptop = DeviceDatabase.encrypted(dir.resolve("laptop.db"), "words")) {
      Api api = new Api(server.uri());
      Api.Device laptopId = api.join(api.createSpace(TestServer.ADMIN), "laptop");
      Api.Device phoneId = api.pair(laptopId, "phone");
      List<byte[]> recorded = new ArrayList<>();
      Transport toSpace = new HttpTransport(space(server, laptopId.space()), HttpTransport.Options.defaults(),
          laptopId.token());
      laptop.put("k1", "v1").put("k2", "v2");
      SyncSession.run(laptop.store, request -> {
        recorded.add(request);
        return toSpace.exchange(request);
      }, SyncOptions.DEFAULTS);
      List<byte[]> samples = new ArrayList<>();
      for (byte[] r : recorded) {
        if (CODEC.decode(r) instanceof Changes c) {
          samples.add(r);
          samples.add(CODEC.encode(new Subscribe(c.senderVector())));
        }
      }
      samples.add(CODEC.encode(new Ack(List.of(), new TreeRoot(0, new byte[16]), 0)));
      Fuzzer fuzzer = new Fuzzer(new Random(SEED), new Api.Space(laptopId.space(), "-"), laptopId, phoneId, laptopId,
          samples);
      byte[] probe = CODEC.encode(new Changes(List.of(), List.of(), List.of(), false));
      Map<String, Integer> outcomes = new TreeMap<>();
      List<String> findings = new ArrayList<>();

      for (int i = 0; i < connections; i++) {
        byte[] hostile = i % 10 == 0 ? fuzzer.noise() : fuzzer.mutate(samples.get(i % samples.size()));
        try (LiveClient live = LiveClient.connect(server.uri(), laptopId.space(), laptopId.token())) {
          assertInstanceOf(Subscribe.class, live.next(), "the server opens with its vector");
          live.sendBytes(hostile);
          if (!live.isClosed()) {
            try {
              live.sendBytes(probe); // answered with an ack while the connection lives
            } catch (Exception e) {
              // closed meanwhile
            }
          }
          String outcome = null;
          long deadline = System.nanoTime() + 5_000_000_000L;
          while (outcome == null && System.nanoTime() < deadline) {
            byte[] m = live.nextBytes(20);
            if (m == null) {
              if (live.isClosed()) {
                break;
              }
              continue;
            }
            Message reply = CODEC.decode(m);
            if (reply instanceof Failure f) {
              outcome = "failure(" + f.code() + ")";
              if (f.code().equals("internal")) {
                findings.add("#" + i + ": an internal failure: " + f.message());
              }
              for (String inside : INSIDES) {
                if (f.message().contains(inside)) {
                  findings.add("#" + i + ": the failure shows the server's insides: " + f.message());
                }
              }
            } else if (reply instanceof Ack a && a.applied() == 0 && a.vector().size() <= 2) {
              outcome = "ack";
            }
          }
          if (outcome == null) {
            outcome = live.isClosed() ? "closed " + live.awaitClose().status() : "silent";
          }
          if (outcome.equals("silent") || outcome.contains("1011")) {
            findings.add("#" + i + ": " + outcome);
          }
          outcomes.merge(outcome.replaceAll("closed (\\d+).*", "closed $1"), 1, Integer::sum);
        }
      }
      System.out.printf("HttpFuzzTest: %d hostile live messages, outcomes %s%n", connections, outcomes);
      assertTrue(findings.isEmpty(), String.join("\n", findings.subList(0, Math.min(20, findings.size()))));
      assertEquals(200, api.get("/health", null).status());
      // The fuzzed space may now hold envelopes the laptop's own token planted, which the relay cannot check: its
      // devices refuse them by name. Another space syncs as ever.
      laptop.put("k3", "after");
      try {
        SyncSession.run(laptop.store, toSpace, SyncOptions.DEFAULTS);
      } catch (dev.lattice.sync.SyncException e) {
        assertEquals("rejected", e.code(), e.getMessage());
      }
      Api.Device otherId = api.join(api.createSpace(TestServer.ADMIN), "other");
      try (DeviceDatabase other = DeviceDatabase.encrypted(dir.resolve("other.db"), "other words")) {
        other.put("o", "fine");
        syncB(server, other, otherId);
      }
    }
  }

  /**
   * Issue 8: what Jetty refuses before any route sees it (unparseable framing, a URI or headers over its buffers, no
   * HTTP version) was answered with Jetty's HTML page, not the JSON error body every other refusal has.
   */
  @Test
  void whatJettyRefusesBeforeTheRoutesIsAnsweredInJsonToo() throws Exception {
    try (LatticeServer server = LatticeServer.startWithRelay(TestServer.config(dir))) {
      RawHttp http = new RawHttp(server.uri(), 10_000);
      byte[] health = "/health".getBytes(StandardCharsets.UTF_8);
      Object[][] cases = {
          {http.head("POST", health, "Content-Length: 1", "Content-Length: 2"), 400, "bad_request"},
          {http.head("POST", health, "Content-Length: ten"), 400, "bad_request"},
          {http.head("POST", health, "Transfer-Encoding: chunked", "Content-Length: 3"), 400, "bad_request"},
          {http.head("GET", ("/" + "a".repeat(10_000)).getBytes(StandardCharsets.UTF_8)), 414, "uri_too_long"},
          {http.head("GET", health, "X-Junk: " + "j".repeat(20_000)), 431, "headers_too_large"},
          {http.head("GET", "/spaces/%zz/sync".getBytes(StandardCharsets.UTF_8)), 400, "bad_request"},
      };
      for (Object[] c : cases) {
        RawHttp.Response response = http.send((byte[]) c[0], new byte[0]);
        assertEquals(c[1], response.status(), response.text());
        assertTrue(response.header("Content-Type").startsWith("application/json"), response.header("Content-Type"));
        JsonNode body = Api.JSON.readTree(response.text());
        assertEquals(c[2], body.get("error").asText(), response.text());
        assertFalse(body.get("message").asText().isBlank());
      }
      assertEquals(200, new Api(server.uri()).get("/health", null).status());
    }
  }

  @Test
  void anOversizedBodyIsRefusedWith413AfterReadingAtMostTheLimit() throws Exception {
    ServerConfig config = TestServer.config(dir).withMaxBodyBytes(MAX_BODY);
    try (LatticeServer server = LatticeServer.startWithRelay(config)) {
      Api api = new Api(server.uri());
      Api.Device device = api.join(api.createSpace(TestServer.ADMIN), "laptop");
      RawHttp http = new RawHttp(server.uri(), 20_000);
      String sync = "/spaces/" + device.space() + "/lattice/sync";
      List<String> auth = List.of("Authorization: Bearer " + device.token(), "Content-Type: application/cbor");

      // Declared: 2 GiB, refused on the header alone.
      long allocated = allocatedByAllThreads(() -> {
        RawHttp.Response r = http.send(head(http, sync, auth, "Content-Length: 2147483648"), new byte[16]);
        assertTooLarge(r);
      });
      assertTrue(allocated < 32L << 20, "a declared 2 GiB body allocated " + (allocated >> 20) + " MiB");

      // Undeclared (chunked): 64 MiB sent, refused once the limit is passed, the rest never buffered.
      byte[] chunk = new byte[1 << 20];
      byte[] chunkHead = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      ByteBuffer body = ByteBuffer.allocate(64 * (chunkHead.length + chunk.length + 2) + 5);
      for (int i = 0; i < 64; i++) {
        body.put(chunkHead).put(chunk).put("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      body.put("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] whole = body.array();
      allocated = allocatedByAllThreads(() -> assertTooLarge(http.send(head(http, sync, auth,
          "Transfer-Encoding: chunked"), whole)));
      assertTrue(allocated < 32L << 20, "a 64 MiB body allocated " + (allocated >> 20) + " MiB on the server");

      assertEquals(200, api.get("/health", null).status());
    }
  }

  private static byte[] head(RawHttp http, String path, List<String> headers, String framing) {
    List<String> all = new ArrayList<>(headers);
    all.add(framing);
    return http.head("POST", path.getBytes(StandardCharsets.UTF_8), all.toArray(String[]::new));
  }

  private static void assertTooLarge(RawHttp.Response response) throws IOException {
    assertEquals(413, response.status(), response.text());
    assertEquals("too_large", Api.JSON.readTree(response.text()).get("error").asText());
    assertEquals("close", response.header("Connection"), "the connection cannot carry another request");
  }

  private interface IoWork {
    void run() throws IOException;
  }

  /**
   * Bytes allocated by every live thread of this JVM (server and client) while {@code work} ran: HotSpot's per-thread
   * counters, which count each allocation once whatever the garbage collector does afterwards.
   */
  private static long allocatedByAllThreads(IoWork work) throws IOException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long[] ids = threads.getAllThreadIds();
    long[] before = threads.getThreadAllocatedBytes(ids);
    work.run();
    long[] after = threads.getThreadAllocatedBytes(ids);
    long total = 0;
    for (int i = 0; i < ids.length; i++) {
      if (before[i] >= 0 && after[i] >= 0) {
        total += after[i] - before[i];
      }
    }
    return total;
  }

  private static void syncB(LatticeServer server, DeviceDatabase device, Api.Device id) throws Exception {
    SyncSession.run(device.store, new HttpTransport(space(server, id.space()), HttpTransport.Options.defaults(),
        id.token()), SyncOptions.DEFAULTS);
  }

  private static URI space(LatticeServer server, String spaceId) {
    return URI.create(server.uri() + "/spaces/" + spaceId);
  }

  /** What is wrong with an answer, or null. */
  private static String problem(Fuzzer.Request request, RawHttp.Response response) {
    int status = response.status();
    if (!DOCUMENTED.contains(status)) {
      return "undocumented status";
    }
    String text = response.text();
    for (String inside : INSIDES) {
      if (text.contains(inside) && !request.echoes(inside)) {
        return "the body shows the server's insides (" + inside + ")";
      }
    }
    if (status == 200 && "application/cbor".equals(response.header("Content-Type"))) {
      // The protocol's answer: a message, and a refusal in it is the asker's fault, never the server's.
      try {
        if (CODEC.decode(response.body()) instanceof Failure f && f.code().equals("internal")) {
          return "the protocol failed inside the server";
        }
      } catch (WireException e) {
        return "the server answered with a malformed message: " + e.getMessage();
      }
    }
    if (status < 400 || request.method().equals("HEAD")) {
      return null;
    }
    String type = response.header("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      return "an error that is not JSON (" + type + ")";
    }
    try {
      JsonNode json = Api.JSON.readTree(text);
      if (!json.hasNonNull("error") || !json.hasNonNull("message")) {
        return "an error body without error and message";
      }
    } catch (IOException e) {
      return "an error body that does not parse as JSON";
    }
    if (status == 429 && response.header("Retry-After") == null) {
      return "429 without Retry-After";
    }
    return null;
  }

  /** Makes hostile requests from one seeded random source. */
  static final class Fuzzer {
    record Request(String method, byte[] target, List<String> headers, byte[] body, boolean mayGoUnanswered,
        byte[] head) {
      boolean echoes(String text) {
        return new String(target, StandardCharsets.UTF_8).contains(text)
            || String.join("\n", headers).contains(text);
      }

      @Override
      public String toString() {
        String t = new String(target, StandardCharsets.UTF_8);
        return method + " " + (t.length() > 120 ? t.substring(0, 120) + "...(" + t.length() + ")" : t) + " "
            + headers.stream().map(h -> h.length() > 80 ? h.substring(0, 80) + "..." : h).toList() + " body "
            + body.length + " bytes";
      }
    }

    private static final String[] METHODS = {"GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD",
        "OPTIONS", "TRACE", "get", "FOO", "P\u00d6ST"};
    private static final String[] TRICKS = {"..", "%2e%2e", "%2E%2e%2F", "%2e%2e%5c", "..%2f..%2f..%2fetc%2fpasswd",
        ".", "%2e", "%00", "a%00b", "%2f", "", "%", "%zz", "%C0%AE%C0%AE", "\u00e9t\u00e9", "%F0%9F%92%A3",
        "\u202e", "..;", ";x=y", "\\..\\..", "~", "*", "%252e%252e", "server.db", "relay.db", "-", "%20"};
    private static final String[] CONTENT_TYPES = {"application/cbor", "application/cbor", "application/json",
        "application/cbor; charset=utf-8", "APPLICATION/CBOR", "text/plain", "", "x/y",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz", "application/json; charset=\u00ff",
        "application/cbor, application/json", ";;;"};

    private final Random random;
    private final Api.Space space;
    private final List<String> tokens;
    private final List<String> spaceIds;
    private final List<String> deviceIds;
    private final List<byte[]> messages;

    Fuzzer(Random random, Api.Space space, Api.Device laptop, Api.Device phone, Api.Device foreign,
        List<byte[]> messages) {
      this.random = random;
      this.space = space;
      this.tokens = List.of(laptop.token(), phone.token(), foreign.token(), TestServer.ADMIN, space.invite(),
          laptop.id(), laptop.id() + ".", laptop.token() + "x", laptop.token().substring(0, 30));
      this.spaceIds = List.of(space.id(), space.id(), foreign.space(), "no-such-space");
      this.deviceIds = List.of(laptop.id(), phone.id(), foreign.id(), "nobody");
      this.messages = messages;
    }

    Request next() {
      return random.nextBoolean() ? plausible() : anything();
    }

    /** A sync request a device could almost have sent: its token, the right route and labels, a mutated message. */
    private Request plausible() {
      String path = "/spaces/" + (random.nextInt(10) == 0 ? pick(spaceIds) : space.id())
          + (random.nextBoolean() ? "/lattice/sync" : "/sync");
      List<String> headers = new ArrayList<>();
      headers.add("Authorization: Bearer " + tokens.get(random.nextInt(10) == 0 ? 2 : random.nextInt(2)));
      headers.add("Content-Type: application/cbor");
      byte[] body = random.nextInt(5) == 0 ? pick(messages).clone() : mutate(pick(messages));
      headers.add("Content-Length: " + body.length);
      byte[] target = path.getBytes(StandardCharsets.UTF_8);
      return new Request("POST", target, headers, body, false, head("POST", target, headers));
    }

    /** Anything at all. */
    private Request anything() {
      String method = METHODS[random.nextInt(METHODS.length)];
      byte[] target = target();
      List<String> headers = new ArrayList<>();
      authorization(headers);
      byte[] body = body();
      boolean lying = false;
      int framing = random.nextInt(12);
      if (random.nextInt(5) != 0) {
        headers.add("Content-Type: " + CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]);
      }
      switch (framing) {
        case 0 -> { // a body with no length: read to the end of the stream? never
        }
        case 1 -> { // claims more than it sends
          headers.add("Content-Length: " + (body.length + 1 + random.nextInt(1000)));
          lying = true;
        }
        case 2 -> { // claims less than it sends: the rest is garbage for the connection's next request
          headers.add("Content-Length: " + random.nextInt(body.length + 1));
        }
        case 3 -> headers.add("Content-Length: " + (random.nextBoolean() ? "2147483648" : "99999999999999"));
        case 4 -> headers.add("Content-Length: " + (random.nextBoolean() ? "-1" : "ten"));
        case 5 -> { // two lengths that disagree
          headers.add("Content-Length: " + body.length);
          headers.add("Content-Length: " + (body.length + 5));
        }
        case 6 -> { // chunked, and a length as well: the classic smuggling pair
          headers.add("Transfer-Encoding: chunked");
          headers.add("Content-Length: " + body.length);
          body = chunked(body);
        }
        case 7 -> {
          headers.add("Transfer-Encoding: chunked");
          body = chunked(body);
        }
        default -> headers.add("Content-Length: " + body.length);
      }
      if (random.nextInt(10) == 0) {
        headers.add(random.nextBoolean() ? "X-Forwarded-For: 10.0.0." + random.nextInt(256)
            : "X-Junk: " + "j".repeat(random.nextInt(20_000)));
      }
      byte[] head = head(method, target, headers);
      // A server may end a connection whose framing it cannot trust without answering it.
      boolean mayGoUnanswered = lying || framing == 3 || framing == 4 || framing == 5 || framing == 6;
      return new Request(method, target, headers, body, mayGoUnanswered, head);
    }

    private static byte[] head(String method, byte[] target, List<String> headers) {
      StringBuilder h = new StringBuilder();
      for (String header : headers) {
        h.append(header).append("\r\n");
      }
      byte[] start = (method + " ").getBytes(StandardCharsets.UTF_8);
      byte[] rest = (" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + h).getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(start.length + target.length + rest.length).put(start).put(target).put(rest).array();
    }

    private byte[] target() {
      String spaceId = pick(spaceIds);
      String path = switch (random.nextInt(14)) {
        case 0 -> "/spaces/" + spaceId + "/sync";
        case 1 -> "/spaces/" + spaceId + "/lattice/sync";
        case 2 -> "/spaces/" + spaceId + "/devices/join";
        case 3 -> "/spaces/" + spaceId + "/devices";
        case 4 -> "/spaces/" + spaceId + "/devices/" + pick(deviceIds);
        case 5 -> "/spaces/" + spaceId + "/pairing";
        case 6 -> "/admin/spaces" + (random.nextBoolean() ? "" : "/" + spaceId + "/invite");
        case 7 -> pick(List.of("/health", "/metrics", "/openapi.json", "/", ""));
        case 8 -> "/spaces/" + trick() + "/sync";
        case 9 -> "/spaces/" + spaceId + "/devices/" + trick();
        case 10 -> "/spaces/" + trick() + "/" + trick() + "/" + trick();
        case 11 -> "/" + "a".repeat(random.nextInt(3) == 0 ? 20_000 : random.nextInt(3000));
        case 12 -> "//spaces//" + spaceId + "//sync" + (random.nextBoolean() ? "/" : "");
        default -> "/spaces/" + spaceId + "/" + trick() + "/../sync";
      };
      if (random.nextInt(4) == 0) {
        path += "?" + trick() + "=" + trick() + (random.nextBoolean() ? "&space=" + space.id() : "&x="
            + "q".repeat(random.nextInt(5000)));
      }
      if (random.nextInt(30) == 0) {
        path = "http://localhost" + path; // absolute form
      }
      return path.getBytes(StandardCharsets.UTF_8);
    }

    private String trick() {
      return TRICKS[random.nextInt(TRICKS.length)];
    }

    private void authorization(List<String> headers) {
      switch (random.nextInt(9)) {
        case 0 -> { // none
        }
        case 1 -> headers.add("Authorization: Bearer");
        case 2 -> headers.add("Authorization: Basic " + pick(tokens));
        case 3 -> headers.add("Authorization: bearer   " + pick(tokens) + "   ");
        case 4 -> headers.add("Authorization: Bearer " + "t".repeat(random.nextInt(10_000)));
        case 5 -> headers.add("Authorization: Bearer \u00e9\u00e8." + pick(tokens)); // raw UTF-8 in a header
        case 6 -> {
          headers.add("Authorization: Bearer " + pick(tokens));
          headers.add("Authorization: Bearer " + pick(tokens));
        }
        default -> headers.add("Authorization: Bearer " + pick(tokens));
      }
    }

    private byte[] body() {
      return switch (random.nextInt(9)) {
        case 0 -> new byte[0];
        case 1 -> {
          byte[] noise = new byte[random.nextInt(2048)];
          random.nextBytes(noise);
          yield noise;
        }
        case 2, 3, 4 -> mutate(pick(messages));
        case 5 -> pick(messages).clone(); // a real message, replayed from anywhere
        case 6 -> new byte[MAX_BODY + 1 + random.nextInt(4096)];
        case 7 -> ("{\"invite\":\"" + space.invite() + "\",\"name\":\"" + pick(List.of("../../etc", "\u0000",
            "n".repeat(200), "\u202eevil", "ok")) + "\"}").getBytes(StandardCharsets.UTF_8);
        default -> pick(List.of("{", "{}", "[]", "null", "{\"pairingCode\":\"AAAA-AAAA\"}",
            "{\"name\":{\"deep\":[[[[[[]]]]]]}}", "{\"invite\":1}", "\"" + "x".repeat(20_000) + "\""))
            .getBytes(StandardCharsets.UTF_8);
      };
    }

    byte[] noise() {
      byte[] noise = new byte[1 + random.nextInt(512)];
      random.nextBytes(noise);
      return noise;
    }

    byte[] mutate(byte[] in) {
      byte[] out = in.clone();
      int at = random.nextInt(in.length + 1);
      switch (random.nextInt(5)) {
        case 0 -> {
          for (int i = 0; i < 1 + random.nextInt(4) && out.length > 0; i++) {
            out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> out = Arrays.copyOf(in, at);
        case 2 -> { // a span twice
          int from = random.nextInt(in.length + 1);
          byte[] span = Arrays.copyOfRange(in, from, Math.min(in.length, from + 1 + random.nextInt(64)));
          out = ByteBuffer.allocate(in.length + span.length).put(in, 0, at).put(span).put(in, at, in.length - at)
              .array();
        }
        case 3 -> { // a byte string, text, array or map header made to declare 2^31 - 1
          for (int i = 0; i < out.length; i++) {
            int major = (out[i] & 0xff) >>> 5;
            if (major >= 2 && major <= 5 && (out[i] & 0x1f) < 24 && random.nextInt(4) == 0) {
              out = ByteBuffer.allocate(in.length + 4).put(in, 0, i).put((byte) (major << 5 | 26))
                  .putInt(Integer.MAX_VALUE).put(in, i + 1, in.length - i - 1).array();
              break;
            }
          }
        }
        default -> {
          byte[] noise = new byte[1 + random.nextInt(32)];
          random.nextBytes(noise);
          out = ByteBuffer.allocate(in.length + noise.length).put(in, 0, at).put(noise).put(in, at, in.length - at)
              .array();
        }
      }
      return out;
    }

    private static byte[] chunked(byte[] body) {
      String size = Integer.toHexString(body.length) + "\r\n";
      byte[] head = size.getBytes(StandardCharsets.US_ASCII);
      byte[] tail = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      return ByteBuffer.allocate(head.length + body.length + tail.length).put(head).put(body).put(tail).array();
    }

    private <T> T pick(List<T> from) {
      return from.get(random.nextInt(from.size()));
    }
  }
}
