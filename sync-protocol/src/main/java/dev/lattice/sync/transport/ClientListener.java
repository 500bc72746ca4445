package dev.lattice.sync.transport;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * Receives for a {@link ClientLiveChannel}: reassembles binary messages from their parts, refuses text and messages
 * over the limit, and passes events on to the channel's {@link LiveCallbacks}. Asks the WebSocket for one more event
 * after each one, so a slow handler slows the peer down instead of piling messages up in memory. The JDK calls these
 * methods one at a time.
 */
final class ClientListener implements WebSocket.Listener {
  private final ClientLiveChannel channel;
  private final MessageAssembler assembler;

  ClientListener(ClientLiveChannel channel, int maxMessageBytes) {
    this.channel = channel;
    this.assembler = new MessageAssembler(maxMessageBytes);
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    channel.attach(webSocket);
    channel.callbacks().opened();
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    try {
      if (!assembler.add(data)) {
        // 1009 would say it best, but the JDK does not let a client send it; 1008 is RFC 6455's fallback.
        channel.close(LiveSocket.POLICY_VIOLATION, "message over the limit of " + assembler.maxBytes() + " bytes");
      } else if (last) {
        channel.callbacks().message(assembler.take());
      }
    } finally {
      webSocket.request(1);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    channel.close(LiveSocket.POLICY_VIOLATION, "text messages are not accepted: send binary");
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
    // The JDK answers with a Pong itself.
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    channel.callbacks().closed("closed by peer with " + statusCode + (reason.isEmpty() ? "" : ": " + reason));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    channel.callbacks().closed("connection failed: " + error);
  }
}
