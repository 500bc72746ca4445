package dev.lattice.server.relay;

import dev.lattice.server.SpaceSyncs;
import dev.lattice.sync.session.LiveSession;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncResponder;
import dev.lattice.sync.transport.LiveChannel;
import dev.lattice.sync.transport.LiveHandler;
import dev.lattice.sync.transport.RequestHandler;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every space from the relay: a protocol responder per space, and for each live device a
 * {@link LiveSession} that is told of every commit to its space (by this instance or, on PostgreSQL, another), so a
 * change pushed by one device reaches the others within milliseconds.
 */
public final class RelaySyncs implements SpaceSyncs {
  private static final Logger LOG = LoggerFactory.getLogger(RelaySyncs.class);

  private final RelayDatabase db;
  private final SyncOptions options;
  private final Map<String, RequestHandler> responders = new ConcurrentHashMap<>();

  public RelaySyncs(RelayDatabase db, SyncOptions options) {
    this.db = Objects.requireNonNull(db, "db");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The relay behind these syncs, for health checks. */
  public RelayDatabase database() {
    return db;
  }

  @Override
  public RequestHandler handler(String spaceId) {
    return responders.computeIfAbsent(spaceId, id -> new SyncResponder(db.space(id), options));
  }

  @Override
  public LiveHandler live(String spaceId, String deviceId) {
    RelayStore store = db.space(spaceId);
    LiveSession session = new LiveSession(store, options, new LiveSession.Events() {});
    return new LiveHandler() {
      private AutoCloseable subscription;

      @Override
      public void onOpen(LiveChannel channel) {
        subscription = store.onCommit(session::localCommit);
        session.onOpen(channel);
      }

      @Override
      public void onMessage(LiveChannel channel, byte[] message) {
        session.onMessage(channel, message);
      }

      @Override
      public void onClose(LiveChannel channel, String reason) {
        try {
          if (subscription != null) {
            subscription.close();
          }
        } catch (Exception e) {
          LOG.debug("unsubscribing device {} failed: {}", deviceId, e.getMessage());
        }
        session.onClose(channel, reason);
      }
    };
  }

  @Override
  public boolean isReachable() {
    return db.isReachable();
  }

  @Override
  public long changesStored() {
    return db.changesStored();
  }

  @Override
  public void close() {
    db.close();
  }
}
