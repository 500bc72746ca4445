package dev.lattice.sync.transport;

import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one channel's events to its {@link LiveHandler} the way that interface promises, whatever threads the
 * transport's I/O runs on: {@code onOpen} first, then messages in arrival order, then {@code onClose} exactly once,
 * one call at a time and never re-entrantly. Nothing is delivered after {@code onClose}, and {@code onClose} only
 * follows an {@code onOpen}.
 *
 * <p>A handler that throws is a bug: it is logged and the channel is closed with 1011, so the session on the other
 * side learns of it instead of waiting for a reply that will not come.
 *
 * <p>Public for transports in other modules (the server side of a live connection, in lattice-sync-server), which
 * report their I/O events here rather than to the handler.
 */
public final class LiveCallbacks {
  private static final Logger log = LoggerFactory.getLogger(LiveCallbacks.class);

  private final LiveHandler handler;
  private final LiveSocket socket;
  private final Runnable onHandlerFailure;
  private final ReentrantLock lock = new ReentrantLock();

  // Guarded by lock.
  private boolean opened;
  private String closeReason;
  private boolean closeDelivered;

  /** Events of {@code socket}, for {@code handler}. */
  public LiveCallbacks(LiveHandler handler, LiveSocket socket) {
    this(handler, socket, () -> {});
  }

  /** @param onHandlerFailure told whenever the handler throws (a server counts it) */
  public LiveCallbacks(LiveHandler handler, LiveSocket socket, Runnable onHandlerFailure) {
    this.handler = handler;
    this.socket = socket;
    this.onHandlerFailure = onHandlerFailure;
  }

  /** The channel opened; ignored if it is already known to be closed. */
  public void opened() {
    lock.lock();
    try {
      if (closeReason == null) {
        opened = true;
        call("onOpen", () -> handler.onOpen(socket));
      }
      deliverClose();
    } finally {
      lock.unlock();
    }
  }

  /** One whole message arrived; dropped if the channel is closed. */
  public void message(byte[] message) {
    lock.lock();
    try {
      if (closeReason == null && opened) {
        call("onMessage", () -> handler.onMessage(socket, message));
      }
      deliverClose();
    } finally {
      lock.unlock();
    }
  }

  /** The channel closed; the first reason wins and later calls do nothing. */
  public void closed(String reason) {
    lock.lock();
    try {
      if (closeReason == null) {
        closeReason = reason;
      }
      // Held more than once: this thread is inside a handler call (the handler closed the channel and the transport
      // reported it at once). Deliver when that call returns, so the handler is never re-entered.
      if (lock.getHoldCount() == 1) {
        deliverClose();
      }
    } finally {
      lock.unlock();
    }
  }

  private void call(String what, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("live handler failed in {}; closing the channel", what, e);
      onHandlerFailure.run();
      if (closeReason == null) {
        closeReason = "handler failed in " + what + ": " + e;
      }
      socket.close(LiveSocket.INTERNAL_ERROR, "internal error");
    }
  }

  private void deliverClose() {
    if (closeReason == null || closeDelivered || !opened) {
      return;
    }
    closeDelivered = true;
    try {
      handler.onClose(socket, closeReason);
    } catch (RuntimeException e) {
      log.warn("live handler failed in onClose", e);
      onHandlerFailure.run();
    }
  }
}
