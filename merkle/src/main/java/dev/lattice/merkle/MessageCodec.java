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
 * message  = version:u8 (1) | fingerprint-width:u8 (4..8) | salt:u64 | entry*
 * entry    = kind:u8 | depth:u8 | prefix:ceil(depth/2) bytes, one digit per 4 bits, high digit first
 *            kind 1 summary:  count:varint | digest:16 bytes
 *            kind 2 children: 16 x (count:varint | fingerprint if count > 0)
 *            kind 3 items:    n:varint | n x fingerprint
 *            kind 4 want:     n:varint | n x fingerprint
 * varint   = unsigned LEB128, at most 9 bytes (63 bits); fingerprints are big-endian
 * </pre>
 */
final class MessageCodec {
  static final int VERSION = 1;
  static final int HEADER_BYTES = 10;
  private static final int SUMMARY = 1;
  private static final int CHILDREN = 2;
  private static final int ITEMS = 3;
  private static final int WANT = 4;

  /** A decoded message. */
  record Message(int fingerprintBytes, long salt, List<Entry> entries) {}

  private MessageCodec() {}

  /** Bytes {@code entry} takes in a message with fingerprints of {@code width} bytes. */
  static int size(Entry entry, int width) {
    int n = 2 + (entry.node().depth() + 1) / 2;
    if (entry instanceof Entry.Summary s) {
      return n + varintSize(s.count()) + Digest.BYTES;
    }
    if (entry instanceof Entry.Children c) {
      for (long count : c.counts()) {
        n += varintSize(count) + (count > 0 ? width : 0);
      }
      return n;
    }
    long[] fps = entry instanceof Entry.Items i ? i.fingerprints() : ((Entry.Want) entry).fingerprints();
    return n + varintSize(fps.length) + fps.length * width;
  }

  static byte[] encode(int width, long salt, List<Entry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER_BYTES + 64 * entries.size());
    out.write(VERSION);
    out.write(width);
    writeFixed(out, salt, 8);
    for (Entry e : entries) {
      NodeAddress node = e.node();
      out.write(e instanceof Entry.Summary ? SUMMARY
          : e instanceof Entry.Children ? CHILDREN : e instanceof Entry.Items ? ITEMS : WANT);
      out.write(node.depth());
      for (int i = 0; i < node.depth(); i += 2) {
        int hiDigit = (int) (node.prefix() >>> (60 - 4 * i)) & 0xF;
        int loDigit = i + 1 < node.depth() ? (int) (node.prefix() >>> (56 - 4 * i)) & 0xF : 0;
        out.write(hiDigit << 4 | loDigit);
      }
      if (e instanceof Entry.Summary s) {
        writeVarint(out, s.count());
        out.writeBytes(s.digest().bytes());
      } else if (e instanceof Entry.Children c) {
        for (int i = 0; i < MerkleTree.FAN_OUT; i++) {
          writeVarint(out, c.counts()[i]);
          if (c.counts()[i] > 0) {
            writeFixed(out, c.fingerprints()[i], width);
          }
        }
      } else {
        long[] fps = e instanceof Entry.Items i ? i.fingerprints() : ((Entry.Want) e).fingerprints();
        writeVarint(out, fps.length);
        for (long fp : fps) {
          writeFixed(out, fp, width);
        }
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
    long salt = r.fixed(8, "salt");
    List<Entry> entries = new ArrayList<>();
    while (r.pos < bytes.length) {
      int kind = r.u8("entry kind");
      NodeAddress node = r.address();
      switch (kind) {
        case SUMMARY -> entries.add(new Entry.Summary(node, r.varint("count"), Digest.of(r.bytes(Digest.BYTES))));
        case CHILDREN -> {
          if (node.depth() == NodeAddress.MAX_DEPTH) {
            throw r.error("children of a node at the deepest level " + NodeAddress.MAX_DEPTH);
          }
          long[] counts = new long[MerkleTree.FAN_OUT];
          long[] fps = new long[MerkleTree.FAN_OUT];
          for (int i = 0; i < MerkleTree.FAN_OUT; i++) {
            counts[i] = r.varint("child count");
            fps[i] = counts[i] > 0 ? r.fixed(width, "fingerprint") : 0;
          }
          entries.add(new Entry.Children(node, counts, fps));
        }
        case ITEMS, WANT -> {
          long n = r.varint("fingerprint count");
          if (n > (bytes.length - r.pos) / width) {
            throw r.error("a list of " + n + " fingerprints longer than the rest of the message");
          }
          long[] fps = new long[(int) n];
          for (int i = 0; i < n; i++) {
            fps[i] = r.fixed(width, "fingerprint");
          }
          entries.add(kind == ITEMS ? new Entry.Items(node, fps) : new Entry.Want(node, fps));
        }
        default -> throw r.error("unknown entry kind " + kind);
      }
    }
    return new Message(width, salt, entries);
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

    byte[] bytes(int n) {
      need(n, "digest");
      byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return out;
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

    NodeAddress address() {
      int depth = u8("node depth");
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
