package dev.lattice.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.serving.PeerServer;
import dev.lattice.sync.session.Device;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncResponder;
import dev.lattice.sync.transport.LiveChannel;
import dev.lattice.sync.transport.LiveHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that syncs but drops every live connection as soon as it opens: each drop is a failure, retried after a
 * growing pause, not a full sync again at once (which would hammer the peer hundreds of times a second).
 */
@Timeout(30)
class LiveDropTest {
  @TempDir Path dir;
  @RegisterExtension final Resources resources = new Resources();

  @Test
  void aLiveConnectionThatDropsAtOnceCountsAsAFailure() throws Exception {
    Device host = resources.keep(Device.create(dir, "host"));
    Device device = resources.keep(Device.create(dir, "device"));
    AtomicInteger syncs = new AtomicInteger();
    AtomicInteger opened = new AtomicInteger();
    SyncResponder responder = new SyncResponder(host.store, SyncOptions.DEFAULTS);
    PeerServer server = resources.keep(PeerServer.start(PeerServer.Options.defaults().withPort(0), request -> {
      syncs.incrementAndGet();
      return responder.handle(request);
    }, () -> new LiveHandler() {
      @Override
      public void onOpen(LiveChannel channel) {
        opened.incrementAndGet();
        channel.close();
      }

      @Override
      public void onMessage(LiveChannel channel, byte[] message) {}

      @Override
      public void onClose(LiveChannel channel, String reason) {}
    }));
    SyncClient client = resources.keep(SyncClient.builder(device.store, server.uri())
        .retry(Duration.ofMillis(100), Duration.ofMillis(400)).build());

    java.util.List<SyncStatus> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
    client.addListener(new SyncListener() {
      @Override
      public void statusChanged(SyncStatus status) {
        if (status.retryAt() != null) {
          waits.add(status);
        }
      }
    });
    client.start();
    Thread.sleep(2_000);
    client.stop();

    assertTrue(waits.size() >= opened.get() - 1, "a pause after every drop: " + waits.size() + " pauses, "
        + opened.get() + " drops");
    assertTrue(waits.stream().allMatch(w -> w.state() == SyncStatus.State.OFFLINE
        && w.error().getMessage().contains("closed within 5 s of opening")), waits::toString);
    // Pauses drawn from [0, 100], [0, 200], [0, 400], [0, 400]...: about a dozen attempts in 2 s, never hundreds.
    assertTrue(opened.get() >= 2 && opened.get() <= 40, "live connections opened: " + opened.get());
    assertTrue(syncs.get() <= 40 * 3, "sync requests: " + syncs.get());
    assertEquals(SyncStatus.State.STOPPED, client.status().state());
  }
}
