package dev.lattice.sync.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Hostile input to the decoder: whatever bytes arrive, {@link WireCodec#decode} returns a {@link Message} or
 * throws a {@link WireException} whose message names the problem. Never another exception, never an
 * {@link OutOfMemoryError} or {@link StackOverflowError}, never a long pause; a declared length is not an allocation.
 *
 * <p>Three generators, each a few thousand inputs: random bytes behind a valid message's first bytes, structurally
 * valid CBOR trees of random shape written with real field names and kinds, and mutations of valid messages of every
 * kind (bit flips, cuts, insertions, duplicated spans, lying length prefixes, deep nesting, huge integers). The seeds
 * are fixed, so every build checks the same cases; the number of inputs decoded is printed when the class ends.
 *
 * <p>The generators ({@link #cborTree}, {@link #mutate}, {@link #samples}, {@link #sampleMessages}) are public so that
 * the session's hostile-peer properties ({@code session.HostilePeerProperties}) feed the same garbage to a device.
 */
public class WireCodecFuzzProperties {
  /** As a responder decodes: the default limit. */
  private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
  private static final CBORFactory FACTORY = new CBORFactory();
  /** Generous for a shared 2-core machine: a decode takes microseconds; a pause means work that grows with a lie. */
  private static final long MAX_MILLIS_PER_INPUT = 1_000;

  private static final List<String> FIELDS = List.of("type", "protocol", "site", "schema", "vector", "root", "key",
      "encrypted", "maxCells", "maxBytes", "from", "to", "changes", "senderVector", "covers", "envelopes", "more", "applied",
      "session", "message", "items", "code", "detail", "cell", "row", "seq", "hlc", "cl", "kind", "payload", "asks",
      "counter", "highest", "count", "first", "source");
  private static final List<String> KINDS = List.of("hello", "welcome", "pull", "changes", "ack", "reconcile",
      "reconciled", "subscribe", "migrate", "stable", "allocate", "allocated", "failure");

  private static final AtomicLong decoded = new AtomicLong();
  private static final AtomicLong accepted = new AtomicLong();
  private static final AtomicLong slowestNanos = new AtomicLong();

  @AfterContainer
  static void summary() {
    System.out.printf("WireCodecFuzzProperties: %d inputs decoded (%d messages, %d refused), slowest %.1f ms%n",
        decoded.get(), accepted.get(), decoded.get() - accepted.get(), slowestNanos.get() / 1e6);
  }

  // ---- (a) random bytes -------------------------------------------------------------------------------------

  @Property(tries = 5000, seed = "20261129")
  void randomBytesBehindAValidPrefixAreDecodedOrRefusedByName(@ForAll("prefixedNoise") byte[] input) {
    assertDecodedOrRefused(input);
  }

  @Provide
  Arbitrary<byte[]> prefixedNoise() {
    // A prefix of a real message gets the parser past the first bytes, into the fields; pure noise rarely does.
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    return Arbitraries.integers().between(0, samples().size() - 1)
        .flatMap(i -> Arbitraries.integers().between(0, samples().get(i).length)
            .flatMap(cut -> noise.map(tail -> concat(Arrays.copyOf(samples().get(i), cut), tail))));
  }

  // ---- (b) structurally valid CBOR of random shape ----------------------------------------------------------

  @Property(tries = 5000, seed = "20261129")
  void wellFormedCborTreesOfAnyShapeAreDecodedOrRefusedByName(@ForAll("trees") byte[] input) {
    assertDecodedOrRefused(input);
  }

  @Provide
  Arbitrary<byte[]> trees() {
    return Arbitraries.longs().map(seed -> cborTree(new Random(seed)));
  }

  /** A CBOR document: usually a map with a real {@code type}, then fields of real names holding anything. */
  public static byte[] cborTree(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      if (random.nextInt(8) == 0) {
        writeValue(g, random, 0);
      } else {
        g.writeStartObject();
        if (random.nextInt(10) != 0) {
          g.writeStringField("type", random.nextInt(10) == 0 ? randomText(random) : pick(random, KINDS));
        }
        int fields = random.nextInt(10);
        for (int i = 0; i < fields; i++) {
          g.writeFieldName(random.nextInt(12) == 0 ? randomText(random) : pick(random, FIELDS));
          writeValue(g, random, 1);
        }
        g.writeEndObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeValue(JsonGenerator g, Random random, int depth) throws IOException {
    int choice = random.nextInt(depth > 20 ? 10 : 13);
    switch (choice) {
      case 0 -> g.writeNull();
      case 1 -> g.writeBoolean(random.nextBoolean());
      case 2 -> g.writeNumber(random.nextInt(64) - 8);
      case 3 -> g.writeNumber(random.nextLong());
      case 4 -> g.writeNumber(new BigInteger(130, random).negate());
      case 5 -> g.writeNumber(random.nextDouble() * 1e6);
      case 6 -> g.writeString(random.nextBoolean() ? pick(random, KINDS) : randomText(random));
      case 7, 8 -> {
        // Ids are 16 bytes; anything else is a wrong size.
        byte[] bytes = new byte[random.nextInt(4) == 0 ? random.nextInt(64) : 16];
        random.nextBytes(bytes);
        g.writeBinary(bytes);
      }
      case 9 -> g.writeNumber(random.nextFloat());
      case 10, 11 -> {
        g.writeStartArray();
        int n = random.nextInt(8);
        for (int i = 0; i < n; i++) {
          writeValue(g, random, depth + 1);
        }
        g.writeEndArray();
      }
      default -> {
        g.writeStartObject();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
          g.writeFieldName(pick(random, FIELDS));
          writeValue(g, random, depth + 1);
        }
        g.writeEndObject();
      }
    }
  }

  // ---- (c) mutations of valid messages of every kind --------------------------------------------------------

  @Property(tries = 10000, seed = "20261129")
  void mutatedMessagesOfEveryKindAreDecodedOrRefusedByName(@ForAll("mutants") byte[] input) {
    assertDecodedOrRefused(input);
  }

  @Provide
  Arbitrary<byte[]> mutants() {
    return Arbitraries.longs().map(seed -> {
      Random random = new Random(seed);
      byte[] bytes = samples().get(random.nextInt(samples().size()));
      int mutations = 1 + random.nextInt(3);
      for (int i = 0; i < mutations; i++) {
        bytes = mutate(bytes, random);
      }
      return bytes;
    });
  }

  public static byte[] mutate(byte[] in, Random random) {
    int at = random.nextInt(in.length + 1);
    return switch (random.nextInt(8)) {
      case 0 -> { // flip one bit
        byte[] out = in.clone();
        if (out.length > 0) {
          int i = random.nextInt(out.length);
          out[i] ^= (byte) (1 << random.nextInt(8));
        }
        yield out;
      }
      case 1 -> Arrays.copyOf(in, at); // cut short
      case 2 -> { // insert random bytes
        byte[] noise = new byte[1 + random.nextInt(16)];
        random.nextBytes(noise);
        yield splice(in, at, 0, noise);
      }
      case 3 -> { // duplicate a span: a field twice, an envelope twice, a header twice
        int from = random.nextInt(in.length + 1);
        int to = Math.min(in.length, from + 1 + random.nextInt(48));
        yield splice(in, at, 0, Arrays.copyOfRange(in, from, to));
      }
      case 4 -> lieAboutALength(in, random);
      case 5 -> { // deep nesting: arrays or maps of one, thousands deep
        byte[] nest = new byte[1 + random.nextInt(5000)];
        Arrays.fill(nest, random.nextBoolean() ? (byte) 0x81 : (byte) 0xa1);
        yield splice(in, at, 0, nest);
      }
      case 6 -> { // a huge integer or a 64-bit length where one byte was
        byte[] big = ByteBuffer.allocate(9).put((byte) (random.nextBoolean() ? 0x1b : 0x3b))
            .putLong(random.nextLong()).array();
        yield splice(in, at, Math.min(1, in.length - at), big);
      }
      default -> { // overwrite a byte with one of CBOR's special headers (break, indefinite length, tags, simple)
        byte[] specials = {(byte) 0xff, 0x5f, 0x7f, (byte) 0x9f, (byte) 0xbf, (byte) 0xc2, (byte) 0xd9, (byte) 0xf7,
            (byte) 0xf9, (byte) 0xfb, 0x1c, (byte) 0xfc};
        byte[] out = in.clone();
        if (out.length > 0) {
          out[random.nextInt(out.length)] = specials[random.nextInt(specials.length)];
        }
        yield out;
      }
    };
  }

  /**
   * Rewrites the header of a byte string, text, array or map to declare another length, in 4 or 8 bytes: often far
   * more than follows (up to 2^63), sometimes less.
   */
  private static byte[] lieAboutALength(byte[] in, Random random) {
    List<Integer> headers = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      int major = (in[i] & 0xff) >>> 5;
      if (major >= 2 && major <= 5 && (in[i] & 0x1f) < 24) {
        headers.add(i);
      }
    }
    if (headers.isEmpty()) {
      return in;
    }
    int i = headers.get(random.nextInt(headers.size()));
    int major = (in[i] & 0xff) >>> 5;
    ByteBuffer header;
    if (random.nextBoolean()) {
      long declared = random.nextInt(4) == 0 ? random.nextInt(64) : Integer.toUnsignedLong(random.nextInt());
      header = ByteBuffer.allocate(5).put((byte) (major << 5 | 26)).putInt((int) declared);
    } else {
      header = ByteBuffer.allocate(9).put((byte) (major << 5 | 27)).putLong(random.nextLong() >>> random.nextInt(63));
    }
    return splice(in, i, 1, header.array());
  }

  // ---- what a 2 GB lie and a deep nest cost -----------------------------------------------------------------

  @Example
  void aDeclared2GiBByteStringIsRefusedWithoutBeingAllocated() {
    // failure{code, message, detail: a byte string declaring 2^31 - 1 bytes, followed by 4}
    byte[] lie = cbor("failure", out -> {
      out.write(new byte[] {0x66, 'd', 'e', 't', 'a', 'i', 'l', 0x5a, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      out.write(new byte[] {1, 2, 3, 4});
    });

    long allocated = allocatedBytes(() -> assertRefused(lie));

    assertTrue(allocated < 64L << 20, "decoding a 2 GiB lie allocated " + (allocated >> 20) + " MiB");
  }

  @Example
  void declaredLengthsOf2To63BytesElementsOrFieldsAreRefusedWithoutBeingAllocated() {
    byte[][] lies = {
        // detail: bytes of 2^63 - 1
        cbor("failure", out -> out.write(new byte[] {0x66, 'd', 'e', 't', 'a', 'i', 'l', 0x5b, 0x7f, -1, -1, -1, -1,
            -1, -1, -1, 1})),
        // message: text of 2^32 - 1
        cbor("failure", out -> out.write(new byte[] {0x67, 'm', 'e', 's', 's', 'a', 'g', 'e', 0x7a, -1, -1, -1, -1,
            'a'})),
        // vector: an array of 2^32 - 1 entries
        cbor("subscribe", out -> out.write(new byte[] {0x66, 'v', 'e', 'c', 't', 'o', 'r', (byte) 0x9a, -1, -1, -1,
            -1, (byte) 0x80})),
        // vector: an array of 2^63 - 1 entries
        cbor("subscribe", out -> out.write(new byte[] {0x66, 'v', 'e', 'c', 't', 'o', 'r', (byte) 0x9b, 0x7f, -1, -1,
            -1, -1, -1, -1, -1, (byte) 0x80})),
        // the document itself: a map of 2^32 - 1 fields
        {(byte) 0xba, -1, -1, -1, -1, 0x64, 't', 'y', 'p', 'e'},
    };
    for (byte[] lie : lies) {
      long allocated = allocatedBytes(() -> assertRefused(lie));
      assertTrue(allocated < 64L << 20, "a lie allocated " + (allocated >> 20) + " MiB");
    }
  }

  @Example
  void aHundredThousandNestedArraysAreRefusedWithoutExhaustingTheStack() {
    for (byte open : new byte[] {(byte) 0x81, (byte) 0x9f, (byte) 0xa1}) {
      byte[] nest = new byte[100_000];
      Arrays.fill(nest, open);
      byte[] input = cbor("subscribe", out -> {
        out.write(new byte[] {0x66, 'v', 'e', 'c', 't', 'o', 'r'});
        out.write(nest);
      });
      // Refused where the nest first meets a field that cannot hold it, long before Jackson's depth limit of 16.
      WireException e = assertRefused(input);
      assertTrue(e.getMessage().contains("(at vector"), e.getMessage());
    }
  }

  @Example
  void aFieldGivenTwiceIsRefusedOrTheMessageIsStillWhole() {
    // Jackson keeps the last of a repeated field unless told otherwise; either way what comes out is a valid record.
    byte[] twice = cbor("failure", out -> {
      out.write(new byte[] {0x64, 'c', 'o', 'd', 'e', 0x61, 'x'});
      out.write(new byte[] {0x64, 'c', 'o', 'd', 'e', 0x61, 'y'});
    });
    assertDecodedOrRefused(twice);
  }

  // ---- the contract ------------------------------------------------------------------------------------------

  /** Decodes {@code input}: a message, or a WireException with a reason. Anything else fails the property. */
  static void assertDecodedOrRefused(byte[] input) {
    long started = System.nanoTime();
    try {
      Message message = CBOR.decode(input);
      assertTrue(message != null, "decode returned null");
      accepted.incrementAndGet();
    } catch (WireException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal without a reason");
      assertNamesNoJavaClass(e.getMessage());
    } catch (AssertionError a) {
      throw a;
    } catch (Throwable t) { // OutOfMemoryError and StackOverflowError included: each is a finding
      fail("decoding " + input.length + " bytes threw " + t + " instead of WireException; input: "
          + java.util.HexFormat.of().formatHex(input, 0, Math.min(input.length, 256)), t);
    } finally {
      decoded.incrementAndGet();
    }
    long nanos = System.nanoTime() - started;
    slowestNanos.accumulateAndGet(nanos, Math::max);
    assertTrue(TimeUnit.NANOSECONDS.toMillis(nanos) < MAX_MILLIS_PER_INPUT,
        "decoding " + input.length + " bytes took " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms");
  }

  /** A refusal goes back to the peer as a failure's text: it speaks of the protocol, not of this implementation. */
  static void assertNamesNoJavaClass(String refusal) {
    for (String inside : List.of("java.", "javax.", "dev.lattice", "com.fasterxml", "Exception", "ArrayList",
        "DeserializationFeature")) {
      assertFalse(refusal.contains(inside), "the refusal names " + inside + ": " + refusal);
    }
  }

  /**
   * Issue 8: the decoder's refusals, which a responder sends back as {@code failure(malformed)}, quoted Jackson with
   * the records' Java class names ("Could not resolve subtype of [simple type, class dev.lattice.sync.wire.Message]",
   * "`java.util.ArrayList<dev.lattice.sync.wire.VectorEntry>`"). They now name the problem and where it is.
   */
  @Example
  void refusalsNameTheProblemAndWhereButNoJavaClass() {
    WireCodec json = WireCodec.json(1 << 20);
    String[][] cases = {
        {"{\"vector\":[]}", "no 'type' field"},
        {"{\"type\":\"hell0\"}", "unknown message type 'hell0'"},
        {"{\"type\":\"subscribe\",\"vector\":7}", "(at vector)"},
        {"{\"type\":\"subscribe\",\"vector\":[[\"AAAAAAAAAAAAAAAAAAAAAA==\",\"x\"]]}", "vector[0]"},
        {"{\"type\":\"hello\",\"protocol\":1,\"site\":\"AAAAAAAAAAAAAAAAAAAAAA==\",\"schema\":\"\",\"vector\":[],"
            + "\"root\":[0,\"AAAAAAAAAAAAAAAAAAAAAA==\"],\"key\":5,\"encrypted\":false,\"maxCells\":0,\"maxBytes\":0}",
            "(at key)"},
        {"{\"type\":\"ack\",\"vector\":[],\"root\":[0,\"AAAAAAAAAAAAAAAAAAAAAA==\"],\"applied\":1,\"bogus\":2}",
            "unknown field 'bogus'"},
        {"{\"type\":\"ack\",\"vector\":[],\"applied\":1}", "Missing creator property 'root'"},
    };
    for (String[] c : cases) {
      WireException e = assertThrows(WireException.class, () -> json.decode(c[0].getBytes(StandardCharsets.UTF_8)));
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
      assertNamesNoJavaClass(e.getMessage());
    }
  }

  private static WireException assertRefused(byte[] input) {
    decoded.incrementAndGet();
    long started = System.nanoTime();
    WireException e = assertThrows(WireException.class, () -> CBOR.decode(input));
    assertFalse(e.getMessage().isBlank());
    assertNamesNoJavaClass(e.getMessage());
    assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS_PER_INPUT));
    return e;
  }

  /** Bytes this thread allocated while running {@code work} (HotSpot's per-thread counter). */
  private static long allocatedBytes(Runnable work) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    work.run();
    long after = threads.getThreadAllocatedBytes(id);
    assertTrue(before >= 0 && after >= 0, "this JVM measures allocations per thread");
    return after - before;
  }

  private interface Body {
    void write(ByteArrayOutputStream out) throws IOException;
  }

  /** An indefinite-length map {@code {"type": kind, ...body}}, closed if the body leaves room. */
  private static byte[] cbor(String kind, Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      out.write(new byte[] {(byte) 0xbf, 0x64, 't', 'y', 'p', 'e', (byte) (0x60 | kind.length())});
      out.write(kind.getBytes(StandardCharsets.US_ASCII));
      body.write(out);
      out.write(0xff);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  // ---- valid messages of every kind --------------------------------------------------------------------------

  private static List<byte[]> samples;

  /** One or two valid messages of every kind, encoded. */
  public static synchronized List<byte[]> samples() {
    if (samples == null) {
      List<byte[]> out = new ArrayList<>();
      for (Message m : sampleMessages()) {
        out.add(CBOR.encode(m));
      }
      samples = List.copyOf(out);
    }
    return samples;
  }

  public static List<Message> sampleMessages() {
    List<VectorEntry> vector = List.of(new VectorEntry(id(1), 7), new VectorEntry(id(2), 1L << 40));
    TreeRoot root = new TreeRoot(123, id(9));
    KeyInfo key = new KeyInfo(id(5), 65_536, 3, 1, new byte[41]);
    List<Envelope> envelopes = List.of(
        new Envelope(id(3), id(3), id(1), 7, 1_700_000_000_000L << 16, 1, Envelope.ROW, "row".getBytes()),
        new Envelope(id(4), id(3), id(1), 7, 1_700_000_000_000L << 16, 1, Envelope.COLUMN, new byte[60]),
        new Envelope(id(6), id(3), id(2), 2, 5, 3, Envelope.CONTRIBUTION, new byte[] {1}));
    Changes changes = new Changes(vector, List.of(new VectorEntry(id(1), 7)), envelopes, true);
    return List.of(
        new Hello(Message.PROTOCOL, id(1), new byte[32], vector, root, key, true, 50_000, 16 << 20),
        new Hello(Message.PROTOCOL, id(1), new byte[0], List.of(), new TreeRoot(0, id(0)), null, false, 0, 0),
        new SchemaMigration(new byte[32], new byte[32], new byte[] {1, 2, 3}),
        new Welcome(Message.PROTOCOL, id(2), new byte[32], vector, root, key, changes),
        new Welcome(Message.PROTOCOL, id(2), new byte[32], List.of(), root, null, null),
        new Pull(vector, 1000, 1 << 20),
        changes,
        new Changes(List.of(), List.of(), List.of(), false),
        new Ack(vector, root, 3),
        new Reconcile(id(7), new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
        new Reconcile(id(7), null),
        new Reconciled(new byte[] {9, 9}, envelopes, false, vector, root),
        new Subscribe(vector),
        new Stable(vector, root),
        new Stable(List.of(), new TreeRoot(0, id(0))),
        new Allocate(List.of(new Allocate.Ask("customers".getBytes(), 59, 2), new Allocate.Ask(new byte[32], 0, 0))),
        new Allocated(List.of(60L, 1L), id(2)),
        new Failure("key", "wrong passphrase", new byte[] {(byte) 0xa0}),
        new Failure("malformed", "what", null));
  }

  @Example
  void theSamplesCoverEveryKindAndDecodeAsThemselves() {
    List<String> kinds = sampleMessages().stream().map(WireCodec::kind).distinct().sorted().toList();
    assertEquals(KINDS.stream().sorted().toList(), kinds);
    for (byte[] sample : samples()) {
      assertEquals(WireCodec.kind(CBOR.decode(sample)), WireCodec.kind(CBOR.decode(CBOR.encode(CBOR.decode(sample)))));
    }
  }

  private static byte[] id(int fill) {
    byte[] b = new byte[16];
    Arrays.fill(b, (byte) fill);
    return b;
  }

  private static String randomText(Random random) {
    int n = random.nextInt(12);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.appendCodePoint(random.nextInt(4) == 0 ? 0x80 + random.nextInt(0x2000) : 0x20 + random.nextInt(0x5f));
    }
    return s.toString();
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** {@code in} with {@code remove} bytes at {@code at} replaced by {@code insert}. */
  private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
    byte[] out = new byte[in.length - remove + insert.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
    return out;
  }
}
