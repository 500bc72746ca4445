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
 * The initiator opens with the fingerprints of its root's 16 children. Whoever receives fingerprints of nodes compares
 * them with its own; for each node that differs it answers with either
 *
 * <ul>
 *   <li>the fingerprints of all its items there (a leaf), when it holds at most {@link ReconcileLimits#leafItems()}
 *       items there. The other side then knows exactly which of its own items the peer lacks (it will send them) and
 *       asks, by fingerprint, for the peer's items it lacks; or
 *   <li>the fingerprints of the node's descendants: its 16 children, or, where the differences are dense (at least
 *       three quarters of the nodes compared in that entry differed) and the node is large enough that its
 *       grandchildren are not yet leaves, its 256 grandchildren, descending two levels in one message.
 * </ul>
 *
 * A node the peer reports empty is sent whole, with no further messages. The sides take turns, each message descending
 * one or two levels. In a tree of a million items one difference is located in six messages (three round trips) of
 * under a hundred bytes each, and 10,000 random differences in five messages of under 1 MB together (bench/README.md
 * has the measured figures). Entries wait in a queue when a message reaches {@link ReconcileLimits#maxMessageBytes()}
 * or {@link ReconcileLimits#maxItemsPerMessage()} and go in the next one, the message saying that more follows; a
 * session that exceeds {@link ReconcileLimits#maxMessages()} fails rather than loop.
 *
 * <p>The session is over when {@link #receive} returns null: that side has nothing to add and the peer had said all
 * it had. The peer, whose message went unanswered, is then finished too; both sides' {@link #nodesToSend()} and {@link
 * #itemsToSend()} are final.
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
  /** Share of compared nodes that must differ for the answer to descend two levels at once. */
  private static final double DENSE = 0.75;

  private final MerkleTree<T> tree;
  private final ReconcileLimits limits;
  private final boolean initiator;
  private int width;
  private long salt;
  private boolean sessionKnown;
  private final ArrayDeque<Entry> pending = new ArrayDeque<>();
  private final List<NodeAddress> nodesToSend = new ArrayList<>();
  private final Map<CellId, Item<T>> itemsToSend = new LinkedHashMap<>();
  private final List<Item<T>> itemsInOrder = new ArrayList<>();
  private int nodesDrained;
  private int itemsDrained;
  private int messagesSent;
  private int messagesReceived;
  private long bytesSent;
  private long bytesReceived;

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

  /**
   * The side that answers. It adopts the initiator's salt and fingerprint width from the first message; its own
   * limits still bound every message it sends or accepts.
   */
  public static <T> Reconciliation<T> respond(MerkleTree<T> tree, ReconcileLimits limits) {
    return new Reconciliation<>(tree, limits, false, 0);
  }

  /** The initiator's first message: the fingerprints of its root's children. */
  public byte[] firstMessage() {
    if (!initiator || messagesSent > 0) {
      throw new IllegalStateException("only the initiator sends a first message, once");
    }
    pending.add(descendants(NodeAddress.ROOT, 1));
    return emit();
  }

  /**
   * Takes the peer's message and returns the answer to send, or null when the session is over (see the class
   * comment). Throws {@link ReconcileException}, having changed nothing, for a malformed, oversized or foreign
   * message, or when the session exceeds its message limit.
   */
  public byte[] receive(byte[] message) {
    MessageCodec.Message m = MessageCodec.decode(message, limits.maxMessageBytes());
    if (sessionKnown && (m.fingerprintBytes() != width || m.salt() != salt)) {
      throw new ReconcileException("reconciliation message belongs to another session (salt or fingerprint width"
          + " differ); start a new session");
    }
    if (messagesSent + messagesReceived + 1 > limits.maxMessages()) {
      throw new ReconcileException("reconciliation did not finish within " + limits.maxMessages() + " messages ("
          + bytesSent + " bytes sent, " + bytesReceived + " received); the trees changed during the session or the"
          + " peer is not progressing: start a new session");
    }
    if (!sessionKnown) {
      width = m.fingerprintBytes();
      salt = m.salt();
      sessionKnown = true;
    }
    messagesReceived++;
    bytesReceived += message.length;
    for (Entry e : m.entries()) {
      process(e);
    }
    return pending.isEmpty() && !m.more() ? null : emit();
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

  /**
   * Visits the items to send found since the last call (all of them the first time): a session that sends what it
   * finds as it goes calls this after every {@link #receive} and {@link #firstMessage}.
   */
  public void forEachNewToSend(Consumer<Item<T>> visitor) {
    for (; nodesDrained < nodesToSend.size(); nodesDrained++) {
      tree.forEach(nodesToSend.get(nodesDrained), visitor);
    }
    for (; itemsDrained < itemsInOrder.size(); itemsDrained++) {
      visitor.accept(itemsInOrder.get(itemsDrained));
    }
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
    if (e instanceof Entry.Descendants d) {
      compareDescendants(d);
    } else if (e instanceof Entry.Items i) {
      compareLeaf(i.node(), i.fingerprints());
    } else {
      Set<Long> wanted = set(((Entry.Want) e).fingerprints());
      tree.forEach(e.node(), item -> {
        if (wanted.contains(fingerprint(item.hash()))) {
          addItemToSend(item);
        }
      });
    }
  }

  private void compareDescendants(Entry.Descendants d) {
    long[] theirs = d.fingerprints();
    boolean theyHaveNone = Arrays.stream(theirs).allMatch(fp -> fp == 0);
    long mine = tree.summary(d.node()).count();
    if (theyHaveNone || mine == 0) {
      if (theyHaveNone && mine > 0) {
        nodesToSend.add(d.node());
      } else if (!theyHaveNone) {
        pending.add(new Entry.Items(d.node(), new long[0]));
      }
      return;
    }
    List<NodeAddress> differing = new ArrayList<>();
    List<NodeSummary> summaries = new ArrayList<>();
    for (int i = 0; i < theirs.length; i++) {
      NodeAddress node = descendant(d.node(), d.levels(), i);
      NodeSummary summary = tree.summary(node);
      if (fingerprint(summary) != theirs[i]) {
        if (theirs[i] == 0) {
          nodesToSend.add(node);
        } else {
          differing.add(node);
          summaries.add(summary);
        }
      }
    }
    boolean dense = differing.size() >= DENSE * theirs.length;
    for (int i = 0; i < differing.size(); i++) {
      answer(differing.get(i), summaries.get(i).count(), dense);
    }
  }

  /** Queues what to say about a node that differs and that both sides hold items below (or only the peer). */
  private void answer(NodeAddress node, long count, boolean dense) {
    if (count <= limits.leafItems() || node.depth() == NodeAddress.MAX_DEPTH) {
      pending.add(new Entry.Items(node, fingerprints(tree.items(node))));
    } else if (dense && node.depth() + 2 <= NodeAddress.MAX_DEPTH
        && count >= 256L * Math.max(1, limits.leafItems() / 4)
        && MessageCodec.HEADER_BYTES + 16 + 256 * width <= limits.maxMessageBytes()) {
      pending.add(descendants(node, 2));
    } else {
      pending.add(descendants(node, 1));
    }
  }

  private Entry.Descendants descendants(NodeAddress node, int levels) {
    long[] fps = new long[1 << (4 * levels)];
    for (int i = 0; i < fps.length; i++) {
      fps[i] = fingerprint(tree.summary(descendant(node, levels, i)));
    }
    return new Entry.Descendants(node, levels, fps);
  }

  /** The {@code index}-th node {@code levels} below {@code node}, in address order. */
  private static NodeAddress descendant(NodeAddress node, int levels, int index) {
    for (int level = levels - 1; level >= 0; level--) {
      node = node.child((index >>> (4 * level)) & 0xF);
    }
    return node;
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
        addItemToSend(item);
      }
    });
    long[] wanted = Arrays.stream(theirs).filter(fp -> !mine.contains(fp)).distinct().toArray();
    for (int from = 0; from < wanted.length; from += limits.leafItems()) {
      pending.add(new Entry.Want(node, Arrays.copyOfRange(wanted, from,
          Math.min(wanted.length, from + limits.leafItems()))));
    }
  }

  private void addItemToSend(Item<T> item) {
    if (itemsToSend.putIfAbsent(item.cell(), item) == null) {
      itemsInOrder.add(item);
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
    byte[] message = MessageCodec.encode(width, salt, !pending.isEmpty(), out);
    messagesSent++;
    bytesSent += message.length;
    return message;
  }

  private long[] fingerprints(List<Item<T>> items) {
    long[] fps = new long[items.size()];
    for (int i = 0; i < fps.length; i++) {
      fps[i] = fingerprint(items.get(i).hash());
    }
    return fps;
  }

  /** A node's fingerprint: 0 for an empty node and never 0 for another. */
  private long fingerprint(NodeSummary node) {
    if (node.count() == 0) {
      return 0;
    }
    long fp = fingerprint(node.digest());
    return fp == 0 ? 1 : fp;
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
