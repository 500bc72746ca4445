package dev.lattice.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.lattice.server.ops.JsonLogLine;
import java.time.Instant;

/** Logback encoder for {@code lattice serve}: each event as the server's {@link JsonLogLine}. */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final byte[] NONE = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NONE;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return JsonLogLine.encode(Instant.ofEpochMilli(event.getTimeStamp()), event.getLevel().toString(),
        event.getLoggerName(), event.getThreadName(), event.getFormattedMessage(), event.getKeyValuePairs(),
        event.getThrowableProxy() == null ? null : ThrowableProxyUtil.asString(event.getThrowableProxy()));
  }

  @Override
  public byte[] footerBytes() {
    return NONE;
  }
}
