/**
 * Moves the protocol's bytes between peers, knowing nothing of what they mean: {@link
 * dev.lattice.sync.transport.Transport} for request/response (HTTP POST {@code /lattice/sync}, or in memory) and
 * {@link dev.lattice.sync.transport.LiveChannel} for the live phase (a WebSocket on {@code /lattice/live}). The client
 * ends are here, on the JDK's {@code java.net.http}; the server ends are in lattice-sync-server's
 * {@code dev.lattice.sync.serving}, and both agree through {@link dev.lattice.sync.transport.Endpoints}.
 *
 * <p>Threads: a {@link dev.lattice.sync.transport.RequestHandler} is called on server threads, several requests at
 * once, so it must be thread-safe. Each live connection has its own {@link dev.lattice.sync.transport.LiveHandler},
 * called one event at a time, in order ({@code onOpen}, messages, then {@code onClose} exactly once), on server or
 * HTTP-client threads; a slow handler slows its sender rather than letting messages pile up. {@code LiveChannel.send}
 * may be called from any thread. A server send fails after the idle timeout; a client send has none, so a session
 * that needs a bound closes the channel.
 */
package dev.lattice.sync.transport;
