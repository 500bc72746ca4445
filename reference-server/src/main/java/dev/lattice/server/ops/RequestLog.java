package dev.lattice.server.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One structured log line per HTTP request and per live connection: what was asked, of which space, by which device,
 * how it ended and how long it took. Never bodies, tokens, codes or protocol payloads: the fields are fixed here, so a
 * caller cannot add one by mistake.
 */
public final class RequestLog {
  private static final Logger log = LoggerFactory.getLogger("dev.lattice.server.requests");

  /**
   * One HTTP request.
   *
   * @param route the matched template ({@code /spaces/{space}/sync}), not the path
   * @param space the space id, or null
   * @param device the authenticated device id, or null
   * @param error the error code answered, or null
   */
  public void request(String method, String route, int status, double durationMs, String client, String space,
      String device, String error) {
    LoggingEventBuilder line = status >= 500 ? log.atWarn() : log.atInfo();
    line = line.addKeyValue("method", method)
        .addKeyValue("route", route)
        .addKeyValue("status", status)
        .addKeyValue("durationMs", Math.round(durationMs * 100) / 100.0)
        .addKeyValue("client", client);
    line = withIds(line, space, device);
    if (error != null) {
      line = line.addKeyValue("error", error);
    }
    line.log("request");
  }

  /** A live connection opened. */
  public void liveOpened(String space, String device, String client) {
    withIds(log.atInfo().addKeyValue("client", client), space, device).log("live connection opened");
  }

  /** A live connection closed after {@code durationMs}; {@code how} is the close status and reason. */
  public void liveClosed(String space, String device, long durationMs, String how) {
    withIds(log.atInfo(), space, device)
        .addKeyValue("durationMs", durationMs)
        .addKeyValue("close", how)
        .log("live connection closed");
  }

  private static LoggingEventBuilder withIds(LoggingEventBuilder line, String space, String device) {
    if (space != null) {
      line = line.addKeyValue("space", space);
    }
    if (device != null) {
      line = line.addKeyValue("device", device);
    }
    return line;
  }
}
