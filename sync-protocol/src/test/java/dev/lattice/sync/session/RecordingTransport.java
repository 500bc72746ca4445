package dev.lattice.sync.session;

import dev.lattice.sync.transport.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Passes requests through and keeps a copy of each, to replay later. */
final class RecordingTransport implements Transport {
  final List<byte[]> requests = new ArrayList<>();
  private final Transport inner;

  RecordingTransport(Transport inner) {
    this.inner = inner;
  }

  @Override
  public byte[] exchange(byte[] request) throws IOException {
    requests.add(request.clone());
    return inner.exchange(request);
  }
}
