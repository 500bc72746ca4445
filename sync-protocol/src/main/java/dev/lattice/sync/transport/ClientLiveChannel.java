package dev.lattice.sync.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's end of one live connection: a {@link LiveChannel} over a {@code java.net.http.WebSocket}.
 *
 * <p>A {@code WebSocket} allows one data send in flight; {@link #send} holds a lock until its message is written, so
 * concurrent senders take turns and each learns whether its own message went out. A send to a peer that stopped
 * reading waits until TCP gives up, the sender is interrupted (which aborts the connection: a half-sent message cannot
 * be taken back), or the channel is closed.
 *
 * <p>Closing tells the handler at once ({@code onClose}, "closed by this side"), sends a Close, and aborts the
 * connection if the peer has not answered it within the timeout.
 */
final class ClientLiveChannel implements LiveSocket {
  private final URI uri;
  private final Duration closeTimeout;
  private final LiveCallbacks callbacks;
  private final ReentrantLock sendLock = new ReentrantLock();
  private final Object closeLock = new Object();

  private volatile WebSocket webSocket;
  /** Set once, when this side closes or gives up on the connection. */
  private volatile boolean closedHere;

  ClientLiveChannel(URI uri, Duration closeTimeout, LiveHandler handler) {
    this.uri = uri;
    this.closeTimeout = closeTimeout;
    this.callbacks = new LiveCallbacks(handler, this);
  }

  LiveCallbacks callbacks() {
    return callbacks;
  }

  /** The connection is open: from the listener's {@code onOpen} or the finished handshake, whichever comes first. */
  void attach(WebSocket socket) {
    webSocket = socket;
    if (closedHere) {
      // Given up on before it opened (the handshake took too long): nobody wants it now.
      socket.abort();
    }
  }

  @Override
  public void send(byte[] message) throws IOException {
    Objects.requireNonNull(message, "message");
    sendLock.lock();
    try {
      WebSocket socket = webSocket;
      if (socket == null || !isOpen()) {
        throw new IOException(this + " is closed");
      }
      CompletableFuture<WebSocket> sending = socket.sendBinary(ByteBuffer.wrap(message), true);
      try {
        sending.get();
      } catch (ExecutionException e) {
        throw new IOException("sending to " + uri + " failed: " + PeerFailures.unwrap(e), PeerFailures.unwrap(e));
      } catch (InterruptedException e) {
        abort("a send was interrupted");
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while sending to " + uri + "; the connection is aborted");
      }
    } finally {
      sendLock.unlock();
    }
  }

  @Override
  public boolean isOpen() {
    WebSocket socket = webSocket;
    return socket != null && !closedHere && !socket.isOutputClosed() && !socket.isInputClosed();
  }

  @Override
  public void close(int statusCode, String reason) {
    WebSocket socket;
    synchronized (closeLock) {
      if (closedHere) {
        return;
      }
      closedHere = true;
      socket = webSocket;
    }
    callbacks.closed("closed by this side" + (statusCode == NORMAL ? "" : ": " + statusCode + " " + reason));
    if (socket != null) {
      socket.sendClose(statusCode, reason).whenComplete((sent, failure) -> {
        if (failure != null) {
          socket.abort();
        }
      });
      // The peer answers a Close with its own; one that does not must not keep the connection open.
      CompletableFuture.delayedExecutor(closeTimeout.toMillis(), TimeUnit.MILLISECONDS).execute(socket::abort);
    }
  }

  /** Drops the connection without a closing handshake. */
  void abort(String reason) {
    synchronized (closeLock) {
      closedHere = true;
    }
    WebSocket socket = webSocket;
    if (socket != null) {
      socket.abort();
    }
    callbacks.closed(reason);
  }

  @Override
  public String toString() {
    return "live channel to " + uri;
  }
}
