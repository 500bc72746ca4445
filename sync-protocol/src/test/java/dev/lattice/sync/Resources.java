package dev.lattice.sync;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, last first, after each test: servers, device databases, clients. Register it with
 * {@code @RegisterExtension final Resources resources = new Resources();} and wrap each in {@link #keep}. A failure to
 * close one is reported after every other was closed.
 */
public final class Resources implements AfterEachCallback {
  private final List<AutoCloseable> open = new ArrayList<>();

  /** Closes {@code resource} after the test, before whatever was kept earlier; returns it. */
  public <T extends AutoCloseable> T keep(T resource) {
    open.add(resource);
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception failed = null;
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    open.clear();
    if (failed != null) {
      throw failed;
    }
  }
}
