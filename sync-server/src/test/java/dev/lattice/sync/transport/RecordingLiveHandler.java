package dev.lattice.sync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A {@link LiveHandler} that records what it is told and checks the {@link LiveHandler} contract as it goes: onOpen
 * first, onClose once and last, never two calls at once.
 */
final class RecordingLiveHandler implements LiveHandler {
  static final Duration WAIT = Duration.ofSeconds(10);

  final CompletableFuture<LiveChannel> opened = new CompletableFuture<>();
  final CompletableFuture<String> closed = new CompletableFuture<>();
  final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
  final AtomicInteger closes = new AtomicInteger();
  final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicBoolean inCall = new AtomicBoolean();
  private final Consumer<LiveChannel> openReaction;
  private final BiConsumer<LiveChannel, byte[]> reaction;

  RecordingLiveHandler() {
    this((channel, message) -> {});
  }

  /** Also does {@code reaction} with each message, e.g. echoes it. */
  RecordingLiveHandler(BiConsumer<LiveChannel, byte[]> reaction) {
    this(channel -> {}, reaction);
  }

  private RecordingLiveHandler(Consumer<LiveChannel> openReaction, BiConsumer<LiveChannel, byte[]> reaction) {
    this.openReaction = openReaction;
    this.reaction = reaction;
  }

  /** Sends {@code messages} as soon as the channel opens, from onOpen. */
  static RecordingLiveHandler sendingOnOpen(byte[]... messages) {
    return new RecordingLiveHandler(channel -> {
      for (byte[] message : messages) {
        send(channel, message);
      }
    }, (channel, message) -> {});
  }

  static RecordingLiveHandler echoing() {
    return new RecordingLiveHandler(RecordingLiveHandler::send);
  }

  static void send(LiveChannel channel, byte[] message) {
    try {
      channel.send(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void onOpen(LiveChannel channel) {
    enter("onOpen");
    try {
      if (opened.isDone()) {
        violations.add("onOpen twice");
      }
      opened.complete(channel);
      openReaction.accept(channel);
    } finally {
      exit();
    }
  }

  @Override
  public void onMessage(LiveChannel channel, byte[] message) {
    enter("onMessage");
    try {
      if (!opened.isDone()) {
        violations.add("onMessage before onOpen");
      }
      if (closed.isDone()) {
        violations.add("onMessage after onClose");
      }
      messages.add(message);
      reaction.accept(channel, message);
    } finally {
      exit();
    }
  }

  @Override
  public void onClose(LiveChannel channel, String reason) {
    enter("onClose");
    try {
      if (!opened.isDone()) {
        violations.add("onClose before onOpen");
      }
      closes.incrementAndGet();
      closed.complete(reason);
    } finally {
      exit();
    }
  }

  LiveChannel awaitOpen() throws Exception {
    return opened.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  String awaitClose() throws Exception {
    return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  byte[] nextMessage() throws InterruptedException {
    byte[] message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(message, "no message within " + WAIT);
    return message;
  }

  /** The contract held, and onClose came exactly once. */
  void assertClosedOnceAndObeyed() {
    assertEquals(List.of(), violations);
    assertEquals(1, closes.get(), "onClose calls");
  }

  private void enter(String what) {
    if (!inCall.compareAndSet(false, true)) {
      violations.add(what + " while another call was running");
    }
  }

  private void exit() {
    inCall.set(false);
  }
}
