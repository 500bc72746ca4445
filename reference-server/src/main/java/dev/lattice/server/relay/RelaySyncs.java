package dev.lattice.server.relay;

import dev.lattice.server.SpaceMembers;
import dev.lattice.server.SpaceSyncs;
import dev.lattice.sync.session.LiveSession;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncResponder;
import dev.lattice.sync.transport.LiveHandler;
import dev.lattice.sync.transport.RequestHandler;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves every space from the relay: a protocol responder per space, and for each live device a
 * {@link LiveSession} that is told of every commit to its space (by this instance or, on PostgreSQL, another), so a
 * change pushed by one device reaches the others within milliseconds.
 */
public final class RelaySyncs implements SpaceSyncs {
  private final RelayDatabase db;
  private final SyncOptions options;
  private final Map<String, SyncResponder> responders = new ConcurrentHashMap<>();

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
    return responder(spaceId);
  }

  /** The space's handler for one device: the relay records the vector of each device's hello under its id. */
  @Override
  public RequestHandler handler(String spaceId, String deviceId) {
    SyncResponder responder = responder(spaceId);
    return request -> responder.handle(request, deviceId);
  }

  /** Stable points are found over each space's active devices from now on (see {@link RelayStore#peerHolds}). */
  @Override
  public void knowMembers(SpaceMembers members) {
    db.knowMembers(members);
  }

  private SyncResponder responder(String spaceId) {
    return responders.computeIfAbsent(spaceId, id -> new SyncResponder(db.space(id), options));
  }

  @Override
  public LiveHandler live(String spaceId, String deviceId) {
    RelayStore store = db.space(spaceId);
    return new LiveSession(store, options, new LiveSession.Events() {}).heardAs(deviceId)
        .toldOfCommitsBy(store::onCommit);
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
