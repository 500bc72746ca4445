package dev.lattice.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Everything logged while it is open, encoded as the server encodes it: JSON lines. */
final class LogCapture implements AutoCloseable {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
  private final Logger root;

  LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    JsonLines encoder = new JsonLines();
    encoder.setContext(context);
    encoder.start();
    appender.setContext(context);
    appender.setName("test-capture");
    appender.setEncoder(encoder);
    appender.setOutputStream(bytes);
    appender.setImmediateFlush(true);
    appender.start();
    root.addAppender(appender);
  }

  /** Everything logged so far. */
  String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  List<String> lines() {
    return text().lines().toList();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
