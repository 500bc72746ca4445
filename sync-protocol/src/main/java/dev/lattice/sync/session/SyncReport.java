package dev.lattice.sync.session;

import java.time.Duration;

/**
 * What one sync did, as the asker saw it.
 *
 * @param roundTrips requests sent and answered
 * @param bytesSent encoded request bytes
 * @param bytesReceived encoded reply bytes
 * @param payloadBytesSent of {@code bytesSent}, the envelopes' payloads (sealed cell contents): the rest is protocol
 * @param payloadBytesReceived of {@code bytesReceived}, the envelopes' payloads
 * @param cellsSent cell versions pushed to the peer
 * @param cellsReceived cell versions received from the peer
 * @param cellsApplied of those received, how many won and were stored
 * @param reconciliations tree reconciliations run after the vector exchange (0 when the roots agreed at once)
 * @param duration wall time of the whole sync
 */
public record SyncReport(int roundTrips, long bytesSent, long bytesReceived, long payloadBytesSent,
    long payloadBytesReceived, long cellsSent, long cellsReceived, long cellsApplied, int reconciliations,
    Duration duration) {

  @Override
  public String toString() {
    return roundTrips + " round trips, " + bytesSent + " B sent (" + payloadBytesSent + " payload), " + bytesReceived
        + " B received (" + payloadBytesReceived + " payload), " + cellsSent + " cells sent, " + cellsReceived
        + " received, " + cellsApplied + " applied, " + reconciliations + " reconciliations, " + duration.toMillis()
        + " ms";
  }
}
