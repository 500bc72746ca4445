package dev.lattice.merkle;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One side of a session that finds the items two trees do not share, by exchanging messages (opaque byte arrays the
 * caller carries over any transport) until both sides know what to send.
 *
 * <h2>How it descends</h2>
 *
 * The initiator opens with its root's count and full digest. Whoever receives a node summary compares it with its own
 * node; where they differ it answers, for that node, with either
 *
 * <ul>
 *   <li>the counts and short fingerprints of its 16 children, when it holds more than {@link
 *       ReconcileLimits#leafItems()} items there, or
 *   <li>the fingerprints of all its items there (a leaf). The other side then knows exactly which of its own items
 *       the peer lacks (it will send them) and asks, by fingerprint, for the peer's items it lacks.
 * </ul>
 *
 * A node the peer reports empty is sent whole, with no further messages. Each message answers the previous one, so the
 * two sides take turns descending one level each: every request/response round trip descends two levels, and in a
 * tree of a million items, where a level-4 node holds about 15, one difference is located in three round trips of a
 * few hundred bytes each (see bench/README.md for measured figures). Entries wait in a queue when a message reaches
 * {@link ReconcileLimits#maxMessageBytes()} or {@link ReconcileLimits#maxItemsPerMessage()} and go in the next one;
 * a session that exceeds {@link ReconcileLimits#maxMessages()} fails rather than loop.
 *
 * <p>Fingerprints are salted with a per-session value chosen by the initiator, so a fingerprint collision (which would
 * hide a difference) does not repeat in the next session. Callers compare full roots after exchanging the items found
 * and reconcile again if they still differ.
 *
 * <p>Not thread-safe. The tree must not change during the session.
 *
 * @param <T> the tree's tag type
 */
public final class Reconciliation<T> {
  private final MerkleTree<T> tree;
  private final ReconcileLimits limits;
  private final boolean initiator;
  private int width;
  private long salt;
  private boolean sessionKnown;
  private final ArrayDeque<Entry> pending = new ArrayDeque<>();
  private final List<NodeAddress> nodesToSend = new ArrayList<>();
  private final Map<CellId, Item<T>> itemsToSend = new LinkedHashMap<>();
  private int messagesSent;
  private int messagesReceived;
  private long bytesSent;
  private long bytesReceived;
  private boolean lastExchangeEmpty;

  private Reconciliation(MerkleTree<T> tree, ReconcileLimits limits, boolean initiator, long salt) {
    this.tree = Objects.requireNonNull(tree, "tree");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.initiator = initiator;
    this.width = limits.fingerprintBytes();
    this.salt = salt;
    this.sessionKnown = initiator;
  }

  /** The side that opens the session, with a random salt. */
  public static <T> Reconciliation<T> initiate(MerkleTree<T> tree, ReconcileLimits limits) {
    return initiate(tree, limits, new SecureRandom().nextLong());
  }

  /** The side that opens the session, with a chosen salt (tests and benchmarks, for reproducible runs). */
  public static <T> Reconciliation<T> initiate(MerkleTree<T> tree, ReconcileLimits limits, long salt) {
    return new Reconciliation<>(tree, limits, true, salt);
  }

  /** The side that answers; it adopts the initiator's salt and fingerprint width from the first message. */
  public static <T> Reconciliation<T> respond(MerkleTree<T> tree, ReconcileLimits limits) {
    return new Reconciliation<>(tree, limits, false, 0);
  }

  /** The initiator's first message: its root summary. */
  public byte[] firstMessage() {
    if (!initiator || messagesSent > 0) {
      throw new IllegalStateException("only the initiator sends a first message, once");
    }
    NodeSummary root = tree.root();
    pending.add(new Entry.Summary(NodeAddress.ROOT, root.count(), root.digest()));
    return emit();
  }

  /**
   * Takes the peer's message and returns the answer to send, or null when the session is over (the peer had nothing
   * more to say and neither has this side). Throws {@link ReconcileException}, having changed nothing, for a malformed,
   * oversized or inconsistent message, or when the session exceeds its message limit.
   */
  public byte[] receive(byte[] message) {
    MessageCodec.Message m = MessageCodec.decode(message, limits.maxMessageBytes());
    if (!sessionKnown) {
      width = m.fingerprintBytes();
      salt = m.salt();
      sessionKnown = true;
    } else if (m.fingerprintBytes() != width || m.salt() != salt) {
      throw new ReconcileException("reconciliation message belongs to another session (salt or fingerprint width"
          + " differ); start a new session");
    }
    if (messagesSent + messagesReceived + 1 > limits.maxMessages()) {
      throw new ReconcileException("reconciliation did not finish within " + limits.maxMessages() + " messages ("
          + bytesSent + " bytes sent, " + bytesReceived + " received); the trees changed during the session or the"
          + " peer is not progressing: start a new session");
    }
    messagesReceived++;
    bytesReceived += message.length;
    if (m.entries().isEmpty() && pending.isEmpty()) {
      lastExchangeEmpty = true;
      return null;
    }
    for (Entry e : m.entries()) {
      process(e);
    }
    return emit();
  }

  /** True once this side has nothing more to say and the last message either way said nothing. */
  public boolean isDone() {
    return pending.isEmpty() && lastExchangeEmpty;
  }

  /** Nodes the peer has nothing below: send every item of this tree below them. */
  public List<NodeAddress> nodesToSend() {
    return List.copyOf(nodesToSend);
  }

  /** Single items the peer lacks (or holds in another version), found in leaves or asked for by the peer. */
  public Collection<Item<T>> itemsToSend() {
    return List.copyOf(itemsToSend.values());
  }

  /** Visits every item to send: those below {@link #nodesToSend()} and the {@link #itemsToSend()}. */
  public void forEachToSend(Consumer<Item<T>> visitor) {
    for (NodeAddress node : nodesToSend) {
      tree.forEach(node, visitor);
    }
    itemsToSend.values().forEach(visitor);
  }

  public int messagesSent() {
    return messagesSent;
  }

  public int messagesReceived() {
    return messagesReceived;
  }

  public long bytesSent() {
    return bytesSent;
  }

  public long bytesReceived() {
    return bytesReceived;
  }

  private void process(Entry e) {
    if (e instanceof Entry.Summary s) {
      NodeSummary mine = tree.summary(s.node());
      if (mine.count() != s.count() || !mine.digest().equals(s.digest())) {
        differing(s.node(), mine, s.count());
      }
    } else if (e instanceof Entry.Children c) {
      for (int digit = 0; digit < MerkleTree.FAN_OUT; digit++) {
        NodeAddress child = c.node().child(digit);
        NodeSummary mine = tree.summary(child);
        boolean same = mine.count() == c.counts()[digit]
            && (mine.count() == 0 || fingerprint(mine.digest()) == c.fingerprints()[digit]);
        if (!same) {
          differing(child, mine, c.counts()[digit]);
        }
      }
    } else if (e instanceof Entry.Items i) {
      compareLeaf(i.node(), i.fingerprints());
    } else {
      Set<Long> wanted = set(((Entry.Want) e).fingerprints());
      tree.forEach(e.node(), item -> {
        if (wanted.contains(fingerprint(item.hash()))) {
          itemsToSend.put(item.cell(), item);
        }
      });
    }
  }

  private void differing(NodeAddress node, NodeSummary mine, long theirCount) {
    if (theirCount == 0) {
      nodesToSend.add(node);
    } else if (mine.count() <= limits.leafItems() || node.depth() == NodeAddress.MAX_DEPTH) {
      pending.add(new Entry.Items(node, fingerprints(tree.items(node))));
    } else {
      NodeSummary[] children = tree.children(node);
      long[] counts = new long[MerkleTree.FAN_OUT];
      long[] fps = new long[MerkleTree.FAN_OUT];
      for (int digit = 0; digit < MerkleTree.FAN_OUT; digit++) {
        counts[digit] = children[digit].count();
        fps[digit] = counts[digit] == 0 ? 0 : fingerprint(children[digit].digest());
      }
      pending.add(new Entry.Children(node, counts, fps));
    }
  }

  /** The peer listed all its items below {@code node}: send ours it lacks, ask for its ones we lack. */
  private void compareLeaf(NodeAddress node, long[] theirs) {
    if (theirs.length == 0) {
      if (tree.summary(node).count() > 0) {
        nodesToSend.add(node);
      }
      return;
    }
    Set<Long> theirSet = set(theirs);
    Set<Long> mine = new HashSet<>();
    tree.forEach(node, item -> {
      long fp = fingerprint(item.hash());
      mine.add(fp);
      if (!theirSet.contains(fp)) {
        itemsToSend.put(item.cell(), item);
      }
    });
    long[] wanted = Arrays.stream(theirs).filter(fp -> !mine.contains(fp)).distinct().toArray();
    for (int from = 0; from < wanted.length; from += limits.leafItems()) {
      pending.add(new Entry.Want(node, Arrays.copyOfRange(wanted, from,
          Math.min(wanted.length, from + limits.leafItems()))));
    }
  }

  private byte[] emit() {
    List<Entry> out = new ArrayList<>();
    int bytes = MessageCodec.HEADER_BYTES;
    int items = 0;
    while (!pending.isEmpty()) {
      Entry next = pending.peek();
      int size = MessageCodec.size(next, width);
      int count = next instanceof Entry.Items i ? i.fingerprints().length
          : next instanceof Entry.Want w ? w.fingerprints().length : 0;
      if (!out.isEmpty() && (bytes + size > limits.maxMessageBytes() || items + count > limits.maxItemsPerMessage())) {
        break;
      }
      out.add(pending.poll());
      bytes += size;
      items += count;
    }
    byte[] message = MessageCodec.encode(width, salt, out);
    messagesSent++;
    bytesSent += message.length;
    lastExchangeEmpty = out.isEmpty();
    return message;
  }

  private long[] fingerprints(List<Item<T>> items) {
    long[] fps = new long[items.size()];
    for (int i = 0; i < fps.length; i++) {
      fps[i] = fingerprint(items.get(i).hash());
    }
    return fps;
  }

  private long fingerprint(Digest d) {
    return d.fingerprint(salt, width);
  }

  private static Set<Long> set(long[] values) {
    Set<Long> s = new HashSet<>(values.length * 2);
    for (long v : values) {
      s.add(v);
    }
    return s;
  }
}
