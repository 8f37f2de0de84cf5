package io.distributex.core.spi;

import io.distributex.core.Grant;
import io.distributex.core.LockListener;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;

/**
 * A backend's {@link LockListener}, shielded: a listener that throws must not stop the backend
 * from answering the waiters whose completions run after it.
 */
final class SafeListener implements LockListener {
  private static final System.Logger LOG = System.getLogger(SafeListener.class.getName());

  private final LockListener listener;

  SafeListener(LockListener listener) {
    this.listener = listener;
  }

  @Override
  public void granted(Grant grant, Optional<Duration> waited) {
    shielded(() -> listener.granted(grant, waited));
  }

  @Override
  public void released(Grant grant) {
    shielded(() -> listener.released(grant));
  }

  @Override
  public void expired(Grant grant) {
    shielded(() -> listener.expired(grant));
  }

  @Override
  public void waitTimedOut(String pool, String host) {
    shielded(() -> listener.waitTimedOut(pool, host));
  }

  private static void shielded(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException failed) {
      LOG.log(Level.WARNING, "a lock listener failed; the backend carries on", failed);
    }
  }
}
