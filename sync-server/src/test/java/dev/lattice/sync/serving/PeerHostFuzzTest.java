package dev.lattice.sync.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.session.Device;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.HttpTransport;
import dev.lattice.sync.transport.RawHttp;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.Failure;
import dev.lattice.sync.wire.WireCodec;
import dev.lattice.sync.wire.WireCodecFuzzProperties;
import dev.lattice.sync.wire.WireException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile HTTP at a device serving its own database: {@link PeerHost} over loopback gets random methods,
 * paths, media types, lying framing and mutated real sync messages. Its refusals are short plain text (see
 * {@code SyncEndpoint}); what is checked is that none is a 500 or shows the insides of the device, every protocol
 * answer is a well-formed message and never an internal failure, and the device still syncs afterwards. The seed is
 * fixed.
 */
@Timeout(120)
class PeerHostFuzzTest {
  private static final int REQUESTS = 1_500;
  private static final int MAX_BODY = 64 * 1024;
  private static final Set<Integer> EXPECTED = Set.of(200, 400, 404, 405, 413, 414, 415, 431, 505);
  private static final List<String> INSIDES = List.of("Exception", "\tat ", "java.", "dev.lattice", "org.eclipse",
      "io.javalin", "Caused by");
  private static final WireCodec CODEC = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

  @TempDir Path dir;

  @Test
  void noRequestGetsA500OrATraceAndTheDeviceStillSyncsAfterward() throws Exception {
    try (Device laptop = Device.encrypted(dir, "laptop.db", "our words")
            .exec("INSERT INTO t VALUES ('l', 'laptop', 1, NULL, 1)");
        Device phone = Device.encrypted(dir, "phone.db", "our words")
            .exec("INSERT INTO t VALUES ('p', 'phone', 2, NULL, 2)");
        PeerHost host = PeerHost.start(laptop.store, PeerServer.Options.defaults().withMaxMessageBytes(MAX_BODY),
            SyncOptions.DEFAULTS)) {
      List<byte[]> recorded = new ArrayList<>();
      Transport honest = new HttpTransport(host.uri(), HttpTransport.Options.defaults(), null);
      SyncSession.run(phone.store, request -> {
        recorded.add(request);
        return honest.exchange(request);
      }, SyncOptions.DEFAULTS);

      Random random = new Random(20261129L);
      RawHttp http = new RawHttp(host.uri(), 10_000);
      Map<Integer, Integer> statuses = new TreeMap<>();
      List<String> findings = new ArrayList<>();
      List<String> oneOffs = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        String method = pick(random, List.of("POST", "POST", "POST", "GET", "PUT", "DELETE", "OPTIONS", "FOO"));
        String path = pick(random, List.of("/lattice/sync", "/lattice/sync", "/lattice/sync", "/lattice/health",
            "/lattice/live", "/lattice/%2e%2e/sync", "/lattice/../lattice/sync", "//lattice//sync", "/lattice/sync%00",
            "/lattice/sync?x=" + "q".repeat(random.nextInt(3000)), "/" + "a".repeat(random.nextInt(12_000)),
            "/lattice/\u00e9t\u00e9", "/lattice/%zz", "/"));
        byte[] body = switch (random.nextInt(6)) {
          case 0 -> new byte[0];
          case 1 -> noise(random, random.nextInt(2048));
          case 2 -> new byte[MAX_BODY + 1 + random.nextInt(1024)];
          case 3 -> pick(random, recorded).clone();
          default -> WireCodecFuzzProperties.mutate(pick(random, recorded), random);
        };
        List<String> headers = new ArrayList<>();
        if (random.nextInt(6) != 0) {
          headers.add("Content-Type: " + pick(random, List.of("application/cbor", "application/cbor",
              "Application/CBOR; charset=binary", "application/json", "text/plain", "", "x/y")));
        }
        boolean mayGoUnanswered = false;
        switch (random.nextInt(8)) {
          case 0 -> {
            headers.add("Content-Length: " + (body.length + 1 + random.nextInt(100)));
            mayGoUnanswered = true;
          }
          case 1 -> headers.add("Content-Length: " + random.nextInt(body.length + 1));
          case 2 -> headers.add("Content-Length: " + pick(random, List.of("-1", "ten", "99999999999999")));
          case 3 -> {
            headers.add("Transfer-Encoding: chunked");
            body = chunked(body);
          }
          default -> headers.add("Content-Length: " + body.length);
        }
        if (random.nextBoolean()) { // half are what a peer could almost have sent: framing right, message mutated
          method = "POST";
          path = "/lattice/sync";
          body = random.nextInt(5) == 0 ? pick(random, recorded).clone() : WireCodecFuzzProperties.mutate(pick(random, recorded), random);
          headers = List.of("Content-Type: application/cbor", "Content-Length: " + body.length);
          mayGoUnanswered = false;
        }
        RawHttp.Response response;
        byte[] head = http.head(method, path.getBytes(StandardCharsets.UTF_8), headers.toArray(String[]::new));
        String described = "#" + i + " " + method + " " + abbreviated(path) + " " + headers;
        try {
          response = mayGoUnanswered ? http.send(head, body)
              : http.sendTwiceIfUnanswered(head, body, first -> oneOffs.add(described + ": " + first));
        } catch (IOException e) {
          statuses.merge(0, 1, Integer::sum);
          if (!mayGoUnanswered) {
            findings.add(described + ": " + e.getMessage());
          }
          continue;
        }
        statuses.merge(response.status(), 1, Integer::sum);
        String problem = problem(response);
        if (problem != null) {
          findings.add(described + " -> " + response.status() + ": " + problem);
        }
      }
      System.out.printf("PeerHostFuzzTest: %d requests sent, statuses %s (0 = closed unanswered)%n", REQUESTS,
          statuses);
      oneOffs.forEach(o -> System.out.println("PeerHostFuzzTest: closed unanswered once, answered when sent again: "
          + o));
      assertTrue(findings.isEmpty(), findings.size() + " bad answers, the first ones:\n"
          + String.join("\n", findings.subList(0, Math.min(20, findings.size()))));

      assertEquals(200, http.send(http.head("GET", "/lattice/health".getBytes(StandardCharsets.UTF_8)), new byte[0])
          .status());
      laptop.exec("INSERT INTO t VALUES ('after', 'the storm', 3, NULL, 3)");
      SyncSession.run(phone.store, honest, SyncOptions.DEFAULTS);
      assertEquals(laptop.rows(), phone.rows(), "the device still syncs");
      assertEquals(laptop.root(), phone.root());
    }
  }

  private static String problem(RawHttp.Response response) {
    if (!EXPECTED.contains(response.status())) {
      return "unexpected status";
    }
    String text = response.text();
    for (String inside : INSIDES) {
      if (text.contains(inside)) {
        return "the body shows the device's insides (" + inside + "): " + abbreviated(text);
      }
    }
    if (response.status() == 200 && "application/cbor".equals(response.header("content-type"))) {
      try {
        if (CODEC.decode(response.body()) instanceof Failure f && f.code().equals("internal")) {
          return "the protocol failed inside the device: " + f.message();
        }
      } catch (WireException e) {
        return "a malformed answer: " + e.getMessage();
      }
    }
    return null;
  }

  private static byte[] chunked(byte[] body) {
    byte[] head = (Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] tail = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(head.length + body.length + tail.length).put(head).put(body).put(tail).array();
  }

  private static byte[] noise(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static String abbreviated(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "...(" + s.length() + ")" : s;
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
