package dev.lattice.sync.serving;

import io.javalin.http.Handler;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * What is left of a request body once the request was handled, read and thrown away within bounds: installed as a
 * Javalin after-handler by Lattice's servers ({@code config.routes.after(UnreadBodies.discarder(max))}).
 *
 * <p>Why: a handler that refuses a request (413, 415, 401...) does not read its body. Jetty 12 then reads only what has
 * already arrived and closes the connection; a client still sending the body gets a TCP reset, which may reach it
 * before it has read the answer, so it reports a broken connection instead of the refusal (about one large refused
 * request in ten, measured on loopback with {@code java.net.http}). Jetty 11 read such bodies to their end.
 *
 * <p>Bounds: at most {@value #EXTRA_LIMITS} times the server's body limit is read here, and no read starts once a
 * second has passed; a body declared larger than that is not read at all (refused on its header). A client that sends
 * more, or longer, is cut off as Jetty does. A client that stops sending in the middle of a body it declared is waited
 * for like any slow body, up to the connection's idle timeout.
 */
public final class UnreadBodies {
  /** How many body limits' worth of bytes are read and thrown away, at most. */
  public static final int EXTRA_LIMITS = 4;

  private static final long WITHIN_NANOS = TimeUnit.SECONDS.toNanos(1);

  private UnreadBodies() {}

  /** The after-handler for a server whose request bodies are limited to {@code maxBodyBytes}. */
  public static Handler discarder(long maxBodyBytes) {
    long most = EXTRA_LIMITS * maxBodyBytes;
    return ctx -> discard(ctx.req(), most);
  }

  /** Reads {@code request}'s body to its end, unless that means more than {@code most} bytes or a second of reads. */
  static void discard(HttpServletRequest request, long most) {
    long declared = request.getContentLengthLong(); // -1 when none is declared: chunked, or no body at all
    if (declared == 0 || declared > most) {
      return;
    }
    long deadline = System.nanoTime() + WITHIN_NANOS;
    try {
      InputStream body = request.getInputStream();
      if (body.read() < 0) {
        return; // read to its end already, or none: the usual case
      }
      byte[] buffer = new byte[8192];
      for (long read = 1; read < most && System.nanoTime() - deadline < 0; ) {
        int n = body.read(buffer, 0, (int) Math.min(buffer.length, most - read));
        if (n < 0) {
          return;
        }
        read += n;
      }
    } catch (IOException | RuntimeException e) {
      // The client went away, or the body was cut short: Jetty closes the connection, as it would have.
    }
  }
}
