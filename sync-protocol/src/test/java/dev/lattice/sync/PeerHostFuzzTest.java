package dev.lattice.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.session.Device;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.HttpTransport;
import dev.lattice.sync.transport.PeerServer;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.Failure;
import dev.lattice.sync.wire.WireCodec;
import dev.lattice.sync.wire.WireException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
      Map<Integer, Integer> statuses = new TreeMap<>();
      List<String> findings = new ArrayList<>();
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
          default -> mutate(random, pick(random, recorded));
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
          body = random.nextInt(5) == 0 ? pick(random, recorded).clone() : mutate(random, pick(random, recorded));
          headers = List.of("Content-Type: application/cbor", "Content-Length: " + body.length);
          mayGoUnanswered = false;
        }
        Response response;
        try {
          response = send(host.uri(), method, path, headers, body);
        } catch (IOException e) {
          statuses.merge(0, 1, Integer::sum);
          if (!mayGoUnanswered) {
            findings.add("#" + i + " " + method + " " + abbreviated(path) + " " + headers + ": " + e.getMessage());
          }
          continue;
        }
        statuses.merge(response.status, 1, Integer::sum);
        String problem = problem(response);
        if (problem != null) {
          findings.add("#" + i + " " + method + " " + abbreviated(path) + " " + headers + " -> " + response.status
              + ": " + problem);
        }
      }
      System.out.printf("PeerHostFuzzTest: %d requests sent, statuses %s (0 = closed unanswered)%n", REQUESTS,
          statuses);
      assertTrue(findings.isEmpty(), findings.size() + " bad answers, the first ones:\n"
          + String.join("\n", findings.subList(0, Math.min(20, findings.size()))));

      assertEquals(200, send(host.uri(), "GET", "/lattice/health", List.of(), new byte[0]).status);
      laptop.exec("INSERT INTO t VALUES ('after', 'the storm', 3, NULL, 3)");
      SyncSession.run(phone.store, honest, SyncOptions.DEFAULTS);
      assertEquals(laptop.rows(), phone.rows(), "the device still syncs");
      assertEquals(laptop.root(), phone.root());
    }
  }

  private static String problem(Response response) {
    if (!EXPECTED.contains(response.status)) {
      return "unexpected status";
    }
    String text = new String(response.body, StandardCharsets.UTF_8);
    for (String inside : INSIDES) {
      if (text.contains(inside)) {
        return "the body shows the device's insides (" + inside + "): " + abbreviated(text);
      }
    }
    if (response.status == 200 && "application/cbor".equals(response.headers.get("content-type"))) {
      try {
        if (CODEC.decode(response.body) instanceof Failure f && f.code().equals("internal")) {
          return "the protocol failed inside the device: " + f.message();
        }
      } catch (WireException e) {
        return "a malformed answer: " + e.getMessage();
      }
    }
    return null;
  }

  private record Response(int status, Map<String, String> headers, byte[] body) {}

  /** One request on its own connection, sent raw (any framing), output half-closed; the first response read. */
  private static Response send(URI base, String method, String path, List<String> headers, byte[] body)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.setSoTimeout(10_000);
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: close\r\n");
      headers.forEach(h -> head.append(h).append("\r\n"));
      head.append("\r\n");
      try {
        socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().write(body);
        socket.shutdownOutput();
      } catch (IOException e) {
        // answered and closed before the body was all sent: read the answer
      }
      InputStream in = socket.getInputStream();
      String status = line(in);
      if (status == null) {
        throw new IOException("closed without an answer");
      }
      Map<String, String> fields = new TreeMap<>();
      for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
        int colon = l.indexOf(':');
        if (colon > 0) {
          fields.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
      }
      byte[] content;
      if (fields.containsKey("content-length")) {
        content = in.readNBytes(Integer.parseInt(fields.get("content-length")));
      } else if ("chunked".equalsIgnoreCase(fields.get("transfer-encoding"))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String size; (size = line(in)) != null; ) {
          int n = Integer.parseInt(size.split(";", 2)[0].strip(), 16);
          if (n == 0) {
            break;
          }
          out.writeBytes(in.readNBytes(n));
          line(in);
        }
        content = out.toByteArray();
      } else {
        content = in.readAllBytes();
      }
      return new Response(Integer.parseInt(status.split(" ", 3)[1]), fields, content);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != -1; ) {
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] mutate(Random random, byte[] in) {
    byte[] out = in.clone();
    int at = random.nextInt(in.length + 1);
    switch (random.nextInt(4)) {
      case 0 -> {
        for (int i = 0; i < 1 + random.nextInt(4) && out.length > 0; i++) {
          out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> out = Arrays.copyOf(in, at);
      case 2 -> {
        byte[] span = Arrays.copyOfRange(in, at, Math.min(in.length, at + 1 + random.nextInt(64)));
        out = ByteBuffer.allocate(in.length + span.length).put(in, 0, at).put(span).put(in, at, in.length - at)
            .array();
      }
      default -> {
        byte[] noise = noise(random, 1 + random.nextInt(32));
        out = ByteBuffer.allocate(in.length + noise.length).put(in, 0, at).put(noise).put(in, at, in.length - at)
            .array();
      }
    }
    return out;
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
