package dev.lattice.sync.session;

import dev.lattice.sync.transport.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A transport that breaks on purpose: requests lost before they arrive, replies lost after the request was applied,
 * requests delivered twice, earlier requests delivered again out of order, replies truncated.
 */
final class FaultyTransport implements Transport {
  /**
   * What can go wrong. A flipped byte is not among the random faults: TCP and TLS stop it on a real network, and in
   * an unencrypted space nothing above them could tell a flipped digit of a value from a real one (an encrypted
   * space's seals can: see EncryptedSyncTest).
   */
  enum Fault { NONE, LOSE_REQUEST, LOSE_REPLY, DUPLICATE, REPLAY_EARLIER, TRUNCATE_REPLY }

  private final Transport inner;
  private final List<byte[]> delivered = new ArrayList<>();
  private Random random;
  private double rate;
  private int failAfter = -1;
  private int exchanges;
  final List<Fault> injected = new ArrayList<>();

  FaultyTransport(Transport inner) {
    this.inner = inner;
  }

  /** Every exchange after the first {@code n} fails before the request arrives: a dropped connection. */
  FaultyTransport failAfter(int n) {
    this.failAfter = n;
    return this;
  }

  /** Each exchange suffers a random fault with probability {@code rate}. */
  FaultyTransport random(long seed, double rate) {
    this.random = new Random(seed);
    this.rate = rate;
    return this;
  }

  @Override
  public byte[] exchange(byte[] request) throws IOException {
    if (failAfter >= 0 && exchanges++ >= failAfter) {
      throw new IOException("connection dropped (injected)");
    }
    Fault fault = random != null && random.nextDouble() < rate
        ? Fault.values()[1 + random.nextInt(Fault.values().length - 1)] : Fault.NONE;
    injected.add(fault);
    switch (fault) {
      case LOSE_REQUEST:
        throw new IOException("request lost (injected)");
      case LOSE_REPLY:
        deliver(request);
        throw new IOException("reply lost (injected)");
      case DUPLICATE:
        deliver(request);
        return deliver(request);
      case REPLAY_EARLIER:
        if (!delivered.isEmpty()) {
          deliver(delivered.get(random.nextInt(delivered.size())));
        }
        return deliver(request);
      case TRUNCATE_REPLY: {
        byte[] reply = deliver(request);
        return Arrays.copyOf(reply, random.nextInt(reply.length));
      }
      default:
        return deliver(request);
    }
  }

  private byte[] deliver(byte[] request) throws IOException {
    delivered.add(request.clone());
    return inner.exchange(request);
  }
}
