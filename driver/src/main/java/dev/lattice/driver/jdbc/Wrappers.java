package dev.lattice.driver.jdbc;

import java.sql.SQLException;
import java.sql.Wrapper;

/** The {@link Wrapper} rules shared by every Lattice JDBC wrapper. */
final class Wrappers {
  private Wrappers() {}

  /**
   * Returns the wrapper itself if it implements {@code iface}, else the delegate if it does, else whatever the delegate
   * unwraps to; otherwise throws, naming both classes and the interface.
   */
  static <T> T unwrap(Object wrapper, Wrapper delegate, Class<T> iface) throws SQLException {
    if (iface.isInstance(wrapper)) {
      return iface.cast(wrapper);
    }
    if (iface.isInstance(delegate)) {
      return iface.cast(delegate);
    }
    // Ask first: sqlite-jdbc's unwrap is a bare cast and throws ClassCastException, not the SQLException JDBC promises.
    if (delegate.isWrapperFor(iface)) {
      return delegate.unwrap(iface);
    }
    throw new SQLException(wrapper.getClass().getSimpleName() + " wraps " + delegate.getClass().getName()
        + ", and neither is a wrapper for " + iface.getName());
  }

  static boolean isWrapperFor(Object wrapper, Wrapper delegate, Class<?> iface) throws SQLException {
    return iface.isInstance(wrapper) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
  }
}
