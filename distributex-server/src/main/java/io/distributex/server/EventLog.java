package io.distributex.server;

import io.distributex.core.Grant;
import io.distributex.core.LockListener;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;

/**
 * One log line per grant, release, expiry and wait timeout, at {@code DEBUG} on the logger
 * {@value #NAME}, so an operator turns them on for that logger alone (java.util.logging level
 * {@code FINE}). Refusals are logged on the same logger by the handler.
 */
final class EventLog implements LockListener {
  static final String NAME = "io.distributex.server.events";
  static final System.Logger LOG = System.getLogger(NAME);

  @Override
  public void granted(Grant grant, Optional<Duration> waited) {
    LOG.log(
        Level.DEBUG,
        () ->
            "granted " + grant.pool() + " to " + grant.host() + ", token " + grant.token()
                + waited.map(time -> " after waiting " + time.toMillis() + " ms").orElse(" at once"));
  }

  @Override
  public void released(Grant grant) {
    LOG.log(
        Level.DEBUG,
        () -> "released " + grant.pool() + " by " + grant.host() + ", token " + grant.token());
  }

  @Override
  public void expired(Grant grant) {
    LOG.log(
        Level.DEBUG,
        () -> "expired " + grant.pool() + " held by " + grant.host() + ", token " + grant.token());
  }

  @Override
  public void waitTimedOut(String pool, String host) {
    LOG.log(Level.DEBUG, () -> "timed out " + host + " waiting for " + pool);
  }
}
