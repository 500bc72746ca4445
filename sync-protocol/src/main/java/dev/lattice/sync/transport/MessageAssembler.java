package dev.lattice.sync.transport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Puts a binary message back together from the parts a WebSocket delivers it in, refusing to hold more than a limit.
 * Not thread-safe: the WebSocket delivers one part at a time.
 */
final class MessageAssembler {
  private final int maxBytes;
  private final ByteArrayOutputStream parts = new ByteArrayOutputStream();
  private boolean overflowed;

  MessageAssembler(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  int maxBytes() {
    return maxBytes;
  }

  /**
   * Adds the next part of the current message (the buffer's remaining bytes, copied: the WebSocket reuses it).
   *
   * @return false if the message is now over the limit: it is dropped, and so is everything after it, for the
   *     connection is to be closed
   */
  boolean add(ByteBuffer part) {
    if (overflowed || part.remaining() > maxBytes - parts.size()) {
      overflowed = true;
      parts.reset();
      return false;
    }
    if (part.hasArray()) {
      parts.write(part.array(), part.arrayOffset() + part.position(), part.remaining());
      part.position(part.limit());
    } else {
      byte[] bytes = new byte[part.remaining()];
      part.get(bytes);
      parts.writeBytes(bytes);
    }
    return true;
  }

  /** The message whose last part was just added; the assembler is then ready for the next one. */
  byte[] take() {
    byte[] message = parts.toByteArray();
    parts.reset();
    return message;
  }
}
