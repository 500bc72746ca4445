package dev.lattice.sync.transport;

/**
 * The responder side of a {@link Transport}: turns one encoded request into one encoded reply. A handler answers bad
 * input with an encoded failure message rather than throwing, so a transport can always send back what it returns.
 */
@FunctionalInterface
public interface RequestHandler {
  byte[] handle(byte[] request);
}
