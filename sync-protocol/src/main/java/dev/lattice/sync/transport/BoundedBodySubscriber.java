package dev.lattice.sync.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into a byte array, but never more than a limit: past it, the body is either refused (a
 * reply that is too large fails the exchange) or cut (an error text is only wanted for its first words). Either way
 * the rest is not read: the subscription is cancelled, which closes the connection.
 */
final class BoundedBodySubscriber implements BodySubscriber<byte[]> {
  /** The body was larger than the limit. */
  static final class TooLargeException extends IOException {
    TooLargeException(int limit) {
      super("larger than the limit of " + limit + " bytes");
    }
  }

  private final int limit;
  private final boolean truncate;
  private final long declaredLength;
  private final ByteArrayOutputStream bytes;
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private Flow.Subscription subscription;

  private BoundedBodySubscriber(int limit, boolean truncate, long declaredLength) {
    this.limit = limit;
    this.truncate = truncate;
    this.declaredLength = declaredLength;
    this.bytes = new ByteArrayOutputStream(declaredLength >= 0 ? (int) Math.min(declaredLength, limit) : 8192);
  }

  /** A body of at most {@code limit} bytes; a larger one fails with {@link TooLargeException}. */
  static BoundedBodySubscriber refusingOver(int limit, long declaredLength) {
    return new BoundedBodySubscriber(limit, false, declaredLength);
  }

  /** The first {@code limit} bytes of a body. */
  static BoundedBodySubscriber truncatingAt(int limit) {
    return new BoundedBodySubscriber(limit, true, -1);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (!truncate && declaredLength > limit) {
      // The declared length says enough: do not read any of it.
      subscription.cancel();
      body.completeExceptionally(new TooLargeException(limit));
      return;
    }
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (body.isDone()) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      int room = limit - bytes.size();
      if (buffer.remaining() > room) {
        subscription.cancel();
        if (truncate) {
          append(buffer, room);
          body.complete(bytes.toByteArray());
        } else {
          body.completeExceptionally(new TooLargeException(limit));
        }
        return;
      }
      append(buffer, buffer.remaining());
    }
  }

  @Override
  public void onError(Throwable error) {
    body.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    body.complete(bytes.toByteArray());
  }

  private void append(ByteBuffer buffer, int length) {
    if (buffer.hasArray()) {
      bytes.write(buffer.array(), buffer.arrayOffset() + buffer.position(), length);
    } else {
      byte[] chunk = new byte[length];
      buffer.get(chunk);
      bytes.write(chunk, 0, length);
    }
  }
}
