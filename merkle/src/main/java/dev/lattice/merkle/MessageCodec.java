package dev.lattice.merkle;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of reconciliation messages. The sync protocol carries a message as one opaque byte string inside
 * its own (CBOR) envelope; this layout is dense because a message is mostly thousands of 4-byte fingerprints, where
 * per-element framing would cost as much as the payload.
 *
 * <pre>
 * message  = version:u8 (1) | fingerprint-width:u8 (4..8) | flags:u8 | salt:u64 | entry*
 *            flags bit 0: the sender has more entries queued for its next message
 * entry    = kind:u3 depth:u5 (one byte) | prefix:ceil(depth/2) bytes, one digit per 4 bits, high digit first
 *            kind 1 children:      16 x fingerprint (0: empty node)
 *            kind 2 grandchildren: 256 x fingerprint (0: empty node)
 *            kind 3 items:         n:varint | n x fingerprint
 *            kind 4 want:          n:varint | n x fingerprint
 * varint   = unsigned LEB128, at most 9 bytes (63 bits); fingerprints are big-endian
 * </pre>
 */
final class MessageCodec {
  static final int VERSION = 1;
  static final int HEADER_BYTES = 11;
  private static final int MORE = 1;
  private static final int CHILDREN = 1;
  private static final int GRANDCHILDREN = 2;
  private static final int ITEMS = 3;
  private static final int WANT = 4;

  /** A decoded message. */
  record Message(int fingerprintBytes, long salt, boolean more, List<Entry> entries) {}

  private MessageCodec() {}

  /** Bytes {@code entry} takes in a message with fingerprints of {@code width} bytes. */
  static int size(Entry entry, int width) {
    int n = 1 + (entry.node().depth() + 1) / 2;
    long[] fps = fingerprints(entry);
    return n + (entry instanceof Entry.Descendants ? 0 : varintSize(fps.length)) + fps.length * width;
  }

  static byte[] encode(int width, long salt, boolean more, List<Entry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER_BYTES + 64 * entries.size());
    out.write(VERSION);
    out.write(width);
    out.write(more ? MORE : 0);
    writeFixed(out, salt, 8);
    for (Entry e : entries) {
      NodeAddress node = e.node();
      out.write(kind(e) << 5 | node.depth());
      for (int i = 0; i < node.depth(); i += 2) {
        int hiDigit = (int) (node.prefix() >>> (60 - 4 * i)) & 0xF;
        int loDigit = i + 1 < node.depth() ? (int) (node.prefix() >>> (56 - 4 * i)) & 0xF : 0;
        out.write(hiDigit << 4 | loDigit);
      }
      long[] fps = fingerprints(e);
      if (!(e instanceof Entry.Descendants)) {
        writeVarint(out, fps.length);
      }
      for (long fp : fps) {
        writeFixed(out, fp, width);
      }
    }
    return out.toByteArray();
  }

  /** Decodes {@code bytes} completely or throws {@link ReconcileException} saying what is wrong and where. */
  static Message decode(byte[] bytes, int maxBytes) {
    if (bytes.length > maxBytes) {
      throw new ReconcileException("reconciliation message of " + bytes.length + " bytes exceeds the limit of "
          + maxBytes + " bytes");
    }
    Reader r = new Reader(bytes);
    int version = r.u8("version");
    if (version != VERSION) {
      throw new ReconcileException("reconciliation message format " + version + " is not supported (this side speaks "
          + VERSION + "); upgrade the older peer");
    }
    int width = r.u8("fingerprint width");
    if (width < 4 || width > 8) {
      throw new ReconcileException("reconciliation message has fingerprint width " + width + ", expected 4 to 8");
    }
    int flags = r.u8("flags");
    if ((flags & ~MORE) != 0) {
      throw r.error("unknown flags " + flags);
    }
    long salt = r.fixed(8, "salt");
    List<Entry> entries = new ArrayList<>();
    while (r.pos < bytes.length) {
      int head = r.u8("entry kind");
      int kind = head >>> 5;
      if (kind < CHILDREN || kind > WANT) {
        throw r.error("unknown entry kind " + kind);
      }
      NodeAddress node = r.address(head & 0x1F);
      switch (kind) {
        case CHILDREN, GRANDCHILDREN -> {
          int levels = kind == CHILDREN ? 1 : 2;
          if (node.depth() + levels > NodeAddress.MAX_DEPTH) {
            throw r.error("descendants of a node at depth " + node.depth() + " would lie below the deepest level "
                + NodeAddress.MAX_DEPTH);
          }
          entries.add(new Entry.Descendants(node, levels, r.fingerprints(1 << (4 * levels), width)));
        }
        default -> {
          long n = r.varint("fingerprint count");
          if (n > (bytes.length - r.pos) / width) {
            throw r.error("a list of " + n + " fingerprints longer than the rest of the message");
          }
          long[] fps = r.fingerprints((int) n, width);
          entries.add(kind == ITEMS ? new Entry.Items(node, fps) : new Entry.Want(node, fps));
        }
      }
    }
    return new Message(width, salt, (flags & MORE) != 0, entries);
  }

  private static int kind(Entry e) {
    if (e instanceof Entry.Descendants d) {
      return d.levels() == 1 ? CHILDREN : GRANDCHILDREN;
    }
    return e instanceof Entry.Items ? ITEMS : WANT;
  }

  private static long[] fingerprints(Entry e) {
    if (e instanceof Entry.Descendants d) {
      return d.fingerprints();
    }
    return e instanceof Entry.Items i ? i.fingerprints() : ((Entry.Want) e).fingerprints();
  }

  static int varintSize(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static void writeFixed(ByteArrayOutputStream out, long v, int width) {
    for (int i = width - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)));
    }
  }

  /** Bounds-checked reading that names what it was reading when the message ran out or went wrong. */
  private static final class Reader {
    final byte[] b;
    int pos;

    Reader(byte[] b) {
      this.b = b;
    }

    ReconcileException error(String what) {
      return new ReconcileException("malformed reconciliation message at byte " + pos + ": " + what);
    }

    void need(int n, String what) {
      if (b.length - pos < n) {
        throw error("truncated in " + what);
      }
    }

    int u8(String what) {
      need(1, what);
      return b[pos++] & 0xFF;
    }

    long[] fingerprints(int n, int width) {
      long[] fps = new long[n];
      for (int i = 0; i < n; i++) {
        fps[i] = fixed(width, "fingerprint");
      }
      return fps;
    }

    long fixed(int width, String what) {
      need(width, what);
      long v = 0;
      for (int i = 0; i < width; i++) {
        v = (v << 8) | (b[pos++] & 0xFF);
      }
      return v;
    }

    long varint(String what) {
      long v = 0;
      for (int shift = 0; shift < 63; shift += 7) {
        int x = u8(what);
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw error(what + " is longer than 63 bits");
    }

    NodeAddress address(int depth) {
      if (depth > NodeAddress.MAX_DEPTH) {
        throw error("node depth " + depth + " is deeper than " + NodeAddress.MAX_DEPTH);
      }
      long prefix = 0;
      for (int i = 0; i < depth; i += 2) {
        int x = u8("node address");
        prefix |= (long) (x >>> 4) << (60 - 4 * i);
        if (i + 1 < depth) {
          prefix |= (long) (x & 0xF) << (56 - 4 * i);
        } else if ((x & 0xF) != 0) {
          throw error("node address has digits beyond its depth " + depth);
        }
      }
      return new NodeAddress(depth, prefix);
    }
  }
}
