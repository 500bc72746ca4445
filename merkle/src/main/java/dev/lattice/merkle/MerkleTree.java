package dev.lattice.merkle;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The set of current cell versions of one replica, summarised as a 16-ary tree addressed by cell id digits (see
 * {@link NodeAddress}), so that two replicas holding the same set have the same {@link #root()} whatever order the
 * items arrived in, and two that differ can find the differing items by comparing a few nodes (see
 * {@link Reconciliation}).
 *
 * <p>Each cell holds at most one item: {@link #put} replaces the cell's previous version. Every change costs
 * O(log n): the item's bucket is a short sorted array, and the change's hash difference is added to the bucket's
 * ancestors. Summaries of the top levels are kept; deeper ones are summed from the bucket on demand. The bucket depth
 * grows with the tree so that buckets hold about {@value #GROW_AT} items at most on average.
 *
 * <p>Not thread-safe: the owner serialises access.
 *
 * @param <T> what the owner attaches to each item to find its cell again
 */
public final class MerkleTree<T> {
  /** Children per node: one per hex digit of the cell id. Chosen by measurement, see docs/architecture.md. */
  public static final int FAN_OUT = 16;

  /** Average bucket size at which buckets split one level deeper. */
  static final int GROW_AT = 64;

  /** Deepest bucket level: 16^5 buckets, about 67 million items before buckets grow past {@value #GROW_AT}. */
  static final int MAX_BUCKET_DEPTH = 5;

  private int bucketDepth;
  private Bucket[] buckets;
  /** Per depth 0..bucketDepth, per node: digest high and low halves and item count. */
  private long[][] digestHi;
  private long[][] digestLo;
  private long[][] counts;
  private long size;

  /** An empty tree. */
  public MerkleTree() {
    reset(0);
  }

  /** Number of items. */
  public long size() {
    return size;
  }

  /** The summary of every item. */
  public NodeSummary root() {
    return new NodeSummary(counts[0][0], new Digest(digestHi[0][0], digestLo[0][0]));
  }

  /** Sets {@code cell}'s item to the version whose bytes are {@code version}; see {@link Digest#ofItem}. */
  public void put(CellId cell, byte[] version, T tag) {
    put(cell, Digest.ofItem(cell, version), tag);
  }

  /** Sets {@code cell}'s item to one whose hash is {@code hash}, replacing the cell's previous item if any. */
  public void put(CellId cell, Digest hash, T tag) {
    Objects.requireNonNull(hash, "hash");
    Bucket b = bucketFor(cell, true);
    int at = b.find(cell.hi, cell.lo);
    if (at >= 0) {
      long oldHi = b.data[4 * at + 2];
      long oldLo = b.data[4 * at + 3];
      b.tags[at] = tag;
      if (oldHi != hash.hi || oldLo != hash.lo) {
        b.setHash(at, hash.hi, hash.lo);
        Digest delta = hash.minus(new Digest(oldHi, oldLo));
        propagate(cell, delta.hi, delta.lo, 0);
      }
      return;
    }
    b.insert(-at - 1, cell.hi, cell.lo, hash.hi, hash.lo, tag);
    size++;
    propagate(cell, hash.hi, hash.lo, 1);
    if (bucketDepth < MAX_BUCKET_DEPTH && size > (long) GROW_AT << (4 * bucketDepth)) {
      regrow(bucketDepth + 1);
    }
  }

  /** Removes {@code cell}'s item; returns false if it had none. */
  public boolean remove(CellId cell) {
    Bucket b = bucketFor(cell, false);
    int at = b == null ? -1 : b.find(cell.hi, cell.lo);
    if (at < 0) {
      return false;
    }
    Digest old = new Digest(b.data[4 * at + 2], b.data[4 * at + 3]);
    b.delete(at);
    size--;
    Digest delta = Digest.ZERO.minus(old);
    propagate(cell, delta.hi, delta.lo, -1);
    return true;
  }

  /** {@code cell}'s item, or null. */
  @SuppressWarnings("unchecked")
  public Item<T> get(CellId cell) {
    Bucket b = bucketFor(cell, false);
    int at = b == null ? -1 : b.find(cell.hi, cell.lo);
    return at < 0 ? null : new Item<>(cell, new Digest(b.data[4 * at + 2], b.data[4 * at + 3]), (T) b.tags[at]);
  }

  /** The summary of the items below {@code node}. */
  public NodeSummary summary(NodeAddress node) {
    if (node.depth() <= bucketDepth) {
      int i = node.index();
      int d = node.depth();
      return new NodeSummary(counts[d][i], new Digest(digestHi[d][i], digestLo[d][i]));
    }
    Bucket b = buckets[bucketIndex(node.prefix())];
    if (b == null) {
      return NodeSummary.EMPTY;
    }
    long hi = 0;
    long lo = 0;
    int from = b.lowerBound(node.first());
    int to = b.upperBound(node.last());
    for (int i = from; i < to; i++) {
      Digest sum = Digest.add(hi, lo, b.data[4 * i + 2], b.data[4 * i + 3]);
      hi = sum.hi;
      lo = sum.lo;
    }
    return new NodeSummary(to - from, new Digest(hi, lo));
  }

  /** The summaries of {@code node}'s {@value #FAN_OUT} children, in digit order. */
  public NodeSummary[] children(NodeAddress node) {
    NodeSummary[] out = new NodeSummary[FAN_OUT];
    for (int digit = 0; digit < FAN_OUT; digit++) {
      out[digit] = summary(node.child(digit));
    }
    return out;
  }

  /** Visits the items below {@code node} in cell id order. */
  @SuppressWarnings("unchecked")
  public void forEach(NodeAddress node, Consumer<Item<T>> visitor) {
    int firstBucket = bucketIndex(node.first());
    int lastBucket = bucketIndex(node.last());
    for (int bi = firstBucket; bi <= lastBucket; bi++) {
      Bucket b = buckets[bi];
      if (b == null) {
        continue;
      }
      int from = node.depth() > bucketDepth ? b.lowerBound(node.first()) : 0;
      int to = node.depth() > bucketDepth ? b.upperBound(node.last()) : b.size;
      for (int i = from; i < to; i++) {
        visitor.accept(new Item<>(new CellId(b.data[4 * i], b.data[4 * i + 1]),
            new Digest(b.data[4 * i + 2], b.data[4 * i + 3]), (T) b.tags[i]));
      }
    }
  }

  /** The items below {@code node}, in cell id order. */
  public List<Item<T>> items(NodeAddress node) {
    List<Item<T>> out = new ArrayList<>();
    forEach(node, out::add);
    return out;
  }

  /**
   * An independent copy holding the same items and tags (tags are shared, not copied): a reconciliation session that
   * spans several requests works on a copy while the original keeps changing.
   */
  public MerkleTree<T> copy() {
    MerkleTree<T> out = new MerkleTree<>();
    out.bucketDepth = bucketDepth;
    out.size = size;
    out.digestHi = deepCopy(digestHi);
    out.digestLo = deepCopy(digestLo);
    out.counts = deepCopy(counts);
    out.buckets = new Bucket[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      Bucket b = buckets[i];
      if (b != null) {
        Bucket c = new Bucket();
        c.data = b.data.clone();
        c.tags = b.tags.clone();
        c.size = b.size;
        out.buckets[i] = c;
      }
    }
    return out;
  }

  private static long[][] deepCopy(long[][] rows) {
    long[][] out = new long[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i].clone();
    }
    return out;
  }

  /** Removes every item. */
  public void clear() {
    reset(0);
  }

  private void propagate(CellId cell, long dHi, long dLo, int dCount) {
    for (int d = 0; d <= bucketDepth; d++) {
      int i = d == 0 ? 0 : (int) (cell.hi >>> (64 - 4 * d));
      Digest sum = Digest.add(digestHi[d][i], digestLo[d][i], dHi, dLo);
      digestHi[d][i] = sum.hi;
      digestLo[d][i] = sum.lo;
      counts[d][i] += dCount;
    }
  }

  private int bucketIndex(long first64) {
    return bucketDepth == 0 ? 0 : (int) (first64 >>> (64 - 4 * bucketDepth));
  }

  private Bucket bucketFor(CellId cell, boolean create) {
    int i = bucketIndex(cell.hi);
    Bucket b = buckets[i];
    if (b == null && create) {
      b = new Bucket();
      buckets[i] = b;
    }
    return b;
  }

  private void reset(int depth) {
    bucketDepth = depth;
    buckets = new Bucket[1 << (4 * depth)];
    digestHi = new long[depth + 1][];
    digestLo = new long[depth + 1][];
    counts = new long[depth + 1][];
    for (int d = 0; d <= depth; d++) {
      digestHi[d] = new long[1 << (4 * d)];
      digestLo[d] = new long[1 << (4 * d)];
      counts[d] = new long[1 << (4 * d)];
    }
    size = 0;
  }

  @SuppressWarnings("unchecked")
  private void regrow(int depth) {
    Bucket[] old = buckets;
    reset(depth);
    for (Bucket b : old) {
      if (b == null) {
        continue;
      }
      for (int i = 0; i < b.size; i++) {
        CellId cell = new CellId(b.data[4 * i], b.data[4 * i + 1]);
        // Old buckets are visited in cell id order, so each new bucket is filled by appends.
        Bucket nb = bucketFor(cell, true);
        nb.insert(nb.size, cell.hi, cell.lo, b.data[4 * i + 2], b.data[4 * i + 3], b.tags[i]);
        size++;
        propagate(cell, b.data[4 * i + 2], b.data[4 * i + 3], 1);
      }
    }
  }

  /** Items sorted by cell id, four longs each (id high, id low, hash high, hash low), and their tags. */
  private static final class Bucket {
    long[] data = new long[16];
    Object[] tags = new Object[4];
    int size;

    /** Index of the cell, or {@code -(insertion point) - 1}. */
    int find(long hi, long lo) {
      int low = 0;
      int high = size - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        int c = Long.compareUnsigned(data[4 * mid], hi);
        if (c == 0) {
          c = Long.compareUnsigned(data[4 * mid + 1], lo);
        }
        if (c < 0) {
          low = mid + 1;
        } else if (c > 0) {
          high = mid - 1;
        } else {
          return mid;
        }
      }
      return -low - 1;
    }

    /** First index whose id's high half is >= {@code hi} (unsigned). */
    int lowerBound(long hi) {
      int low = 0;
      int high = size;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (Long.compareUnsigned(data[4 * mid], hi) < 0) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }

    /** First index whose id's high half is > {@code hi} (unsigned). */
    int upperBound(long hi) {
      int low = 0;
      int high = size;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (Long.compareUnsigned(data[4 * mid], hi) <= 0) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }

    void setHash(int at, long hi, long lo) {
      data[4 * at + 2] = hi;
      data[4 * at + 3] = lo;
    }

    void insert(int at, long idHi, long idLo, long hHi, long hLo, Object tag) {
      if (size == tags.length) {
        data = java.util.Arrays.copyOf(data, 8 * size);
        tags = java.util.Arrays.copyOf(tags, 2 * size);
      }
      System.arraycopy(data, 4 * at, data, 4 * at + 4, 4 * (size - at));
      System.arraycopy(tags, at, tags, at + 1, size - at);
      data[4 * at] = idHi;
      data[4 * at + 1] = idLo;
      data[4 * at + 2] = hHi;
      data[4 * at + 3] = hLo;
      tags[at] = tag;
      size++;
    }

    void delete(int at) {
      System.arraycopy(data, 4 * at + 4, data, 4 * at, 4 * (size - at - 1));
      System.arraycopy(tags, at + 1, tags, at, size - at - 1);
      size--;
      tags[size] = null;
    }
  }
}
