/**
 * The memcached store under the shared-state engine ({@link io.distributex.core.shared}): one
 * public entry, {@link io.distributex.memcached.MemcachedBackend}.
 *
 * <h2>How it talks to memcached</h2>
 *
 * <p>Each pool is one memcached value under {@code distributex:pool:SHA-256(name)} (names may
 * hold spaces and 255 bytes, keys neither). Reads, adds and health checks go through
 * Spymemcached. The compare-and-set, the write of nearly every change, goes over a plain
 * blocking connection in the binary protocol ({@code CasConnection}), written and read by the
 * thread that combines the batch: Spymemcached hands every operation to its I/O thread and back,
 * and on a loaded 2-core machine those handoffs cost more than the round trip. Pools written at
 * the same moment each borrow a connection of their own ({@code CasConnections}).
 *
 * <p><b>Why {@code replace}, not {@code set}.</b> The write is a {@code replace} with the cas id:
 * memcached keeps the stored value when it refuses one (too large, out of memory), where a
 * refused {@code set} would drop the pool.
 *
 * <p><b>Cas ids and restarts.</b> A cas id is only sent over a connection that was already open
 * when the id was read: opens and losses, ours and Spymemcached's, move one counter, and a stale
 * id counts as a conflict (the engine reads again). A restarted memcached never receives an id of
 * the old process. A write gets the operation timeout to connect and to be answered; one too
 * large for the socket buffers is cut off at the deadline.
 *
 * <p><b>Several memcached servers.</b> Pools are spread over them by consistent hashing
 * (ketama), each pool on exactly one. When that one is down, its pools answer {@code 503}
 * ({@code FailureMode.Cancel}): their state is never moved to another memcached, where it would
 * start empty and could grant slots twice. Each address must reach one memcached process: a cas
 * id one process gave must not be checked against another's.
 *
 * <p><b>What memcached does not give.</b> It neither replicates nor persists; a restart or an
 * eviction loses the pools' values (holders learn it when their renewal is refused; waiters queue
 * again). Run it with {@code -M}. A memcached started with {@code -C} (no compare-and-set) is
 * refused.
 */
package io.distributex.memcached;
