package dev.lattice.sync.serving;

import dev.lattice.sync.transport.LiveCallbacks;
import dev.lattice.sync.transport.LiveChannel;
import dev.lattice.sync.transport.LiveHandler;
import dev.lattice.sync.transport.LiveSocket;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * The server's end of one live connection: a {@link LiveChannel} over the Javalin context of the connection.
 *
 * <p>Sends block until Jetty has written the message, or failed to: Jetty fails a write once the connection makes no
 * progress for the idle timeout, so a stuck peer cannot hold a sender forever. (Jetty 12's session only sends
 * asynchronously, and so does Javalin's {@code WsContext.send}: the wait is here.) Sends are serialized, so that each
 * message is written whole before the next begins.
 *
 * <p>Closing tells the handler at once ({@code onClose}, "closed by this side") and starts Jetty's closing handshake.
 *
 * <p>Public for servers that route live connections of their own (the reference server authenticates each before it
 * opens): they create the channel when Javalin connects, and report {@link #opened}, {@link #received} and
 * {@link #closed} as Javalin does; the handler hears them in order, one at a time.
 */
public final class ServerLiveChannel implements LiveSocket {
  private final WsContext context;
  private final String peer;
  private final LiveCallbacks callbacks;
  private final ReentrantLock sendLock = new ReentrantLock();
  private volatile boolean closedHere;

  ServerLiveChannel(WsContext context, LiveHandler handler) {
    this(context, handler, () -> {});
  }

  /**
   * The channel of the connection behind {@code context}, whose events go to {@code handler}.
   *
   * @param onHandlerFailure told whenever the handler throws (the channel is then closed with 1011)
   */
  public ServerLiveChannel(WsContext context, LiveHandler handler, Runnable onHandlerFailure) {
    this.context = context;
    this.peer = String.valueOf(context.session.getRemoteSocketAddress());
    this.callbacks = new LiveCallbacks(handler, this, onHandlerFailure);
  }

  LiveCallbacks callbacks() {
    return callbacks;
  }

  /** The connection is open: the handler hears {@code onOpen} (unless the channel was closed meanwhile). */
  public void opened() {
    callbacks.opened();
  }

  /** A whole message arrived. */
  public void received(byte[] message) {
    callbacks.message(message);
  }

  /** The connection closed, for {@code reason}: the handler hears {@code onClose}, once. */
  public void closed(String reason) {
    callbacks.closed(reason);
  }

  @Override
  public void send(byte[] message) throws IOException {
    Objects.requireNonNull(message, "message");
    sendLock.lock();
    try {
      if (!isOpen()) {
        throw new IOException(this + " is closed");
      }
      Callback.Completable written = new Callback.Completable();
      context.session.sendBinary(ByteBuffer.wrap(message), written);
      written.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IOException("sending to " + peer + " failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while sending to " + peer);
    } catch (RuntimeException e) {
      // Jetty reports some failures (a session closed under the sender) unchecked.
      throw new IOException("sending to " + peer + " failed: " + e.getMessage(), e);
    } finally {
      sendLock.unlock();
    }
  }

  @Override
  public boolean isOpen() {
    return !closedHere && context.session.isOpen();
  }

  @Override
  public void close(int statusCode, String reason) {
    synchronized (this) {
      if (closedHere) {
        return;
      }
      closedHere = true;
    }
    callbacks.closed("closed by this side" + (statusCode == NORMAL ? "" : ": " + statusCode + " " + reason));
    try {
      context.closeSession(statusCode, reason);
    } catch (RuntimeException e) {
      // Closed concurrently: the outcome is the one wanted.
    }
  }

  @Override
  public String toString() {
    return "live channel to " + peer;
  }
}
