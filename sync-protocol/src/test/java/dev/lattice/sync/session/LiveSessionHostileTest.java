package dev.lattice.sync.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.transport.LiveChannel;
import dev.lattice.sync.wire.Ack;
import dev.lattice.sync.wire.Failure;
import dev.lattice.sync.wire.Subscribe;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.WireCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live session whose peer breaks the protocol answers with a failure naming the problem, and closes. */
class LiveSessionHostileTest {
  private static final WireCodec CODEC = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

  @TempDir Path dir;

  /** A channel that keeps what is sent on it. */
  private static final class Channel implements LiveChannel {
    final List<byte[]> sent = new ArrayList<>();
    boolean open = true;

    @Override
    public void send(byte[] message) {
      sent.add(message);
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }

  /**
   * Issue 8: an ack that came before the peer's subscribe threw a NullPointerException out of the session (the server
   * closed the WebSocket with 1011, "internal error", as if it had failed). It is the peer's mistake, and said so.
   */
  @Test
  void anAckBeforeThePeersSubscribeIsRefusedAsMalformed() throws Exception {
    try (Device device = Device.create(dir, "d.db")) {
      LiveSession session = new LiveSession(device.store, SyncOptions.DEFAULTS, new LiveSession.Events() {});
      Channel channel = new Channel();
      session.onOpen(channel);

      session.onMessage(channel, CODEC.encode(new Ack(List.of(), new TreeRoot(0, new byte[16]), 0)));

      assertInstanceOf(Subscribe.class, CODEC.decode(channel.sent.get(0)), "the session opened with its vector");
      Failure f = assertInstanceOf(Failure.class, CODEC.decode(channel.sent.get(1)));
      assertEquals("malformed", f.code());
      assertTrue(f.message().contains("before the peer's subscribe"), f.message());
      assertFalse(channel.open, "and the session closed the channel");
    }
  }
}
