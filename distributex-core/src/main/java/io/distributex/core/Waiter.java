package io.distributex.core;

import java.time.Instant;

/**
 * One place in a pool's queue, as shown by {@link PoolSnapshot}.
 *
 * @param host the waiting host
 * @param since when it joined the queue
 */
public record Waiter(String host, Instant since) {}
