/**
 * For backends that live outside this module: the pieces every {@link
 * io.distributex.core.LockBackend} is made of, so a new store implements the calls of one pool
 * ({@link io.distributex.core.spi.PoolState}) and inherits the routing, the name checks, the
 * builder settings, the waiter limit, fencing tokens and cancellable acquires. Applications use
 * {@code io.distributex.core}; only backend authors need this package.
 */
package io.distributex.core.spi;
