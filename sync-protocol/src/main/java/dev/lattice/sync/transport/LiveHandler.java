package dev.lattice.sync.transport;

/**
 * What happens on one {@link LiveChannel}. A transport calls these from its own threads, one call at a time per
 * channel, in the order things happened.
 */
public interface LiveHandler {
  /** The channel is open: the handler may keep it to send. */
  void onOpen(LiveChannel channel);

  /** One whole message arrived. */
  void onMessage(LiveChannel channel, byte[] message);

  /** The channel closed, by either side or by a failure; {@code reason} says which, for logs. */
  void onClose(LiveChannel channel, String reason);
}
