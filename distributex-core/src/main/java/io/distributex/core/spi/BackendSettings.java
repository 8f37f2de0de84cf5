package io.distributex.core.spi;

import io.distributex.core.LockListener;
import io.distributex.core.Pool;
import io.distributex.core.TimeSource;
import java.util.List;

/**
 * What every backend is built with (see {@link BackendBuilder}).
 *
 * @param maxWaiters how many acquires may wait at once over all pools
 * @param listener told of every change; never throws
 */
public record BackendSettings(
    List<Pool> pools, TimeSource time, int maxWaiters, LockListener listener) {
  public BackendSettings {
    pools = List.copyOf(pools);
  }
}
