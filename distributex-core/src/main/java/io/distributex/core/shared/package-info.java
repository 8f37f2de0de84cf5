/**
 * The shared-state engine: pools kept in a store that several Distributex servers share, so
 * that they behave as one server. A store only has to read a value with its version and write a
 * value if the version still holds ({@link io.distributex.core.shared.SharedStore}); a backend
 * for it extends {@link io.distributex.core.shared.SharedStateBackend}.
 *
 * <h2>How it works</h2>
 *
 * <p><b>One value per pool.</b> {@code StoredPool} holds the pool's holders, its FIFO queue (the
 * waiters of every server, in order), its last fencing token, an epoch (a random number chosen
 * when the value was created, so a server can tell that the store lost the value and started
 * afresh) and a version. Every change is computed by the pure {@code StoredPoolChange} from the
 * version read and written by compare-and-set ({@code PoolValues}), so two servers can never both
 * grant the last slot; a conflict recomputes the change from the newer version. Nothing is ever
 * granted from a stale read.
 *
 * <p><b>Handoff and delivery.</b> The server that frees a slot (release, expiry) grants it to the
 * head of the shared queue in the same write. A waiter on that same server is answered at once;
 * a waiter on another server is answered when its server next reads the pool (it polls its pools
 * while it has waiters), or at once when the store watches its values ({@code SharedStore.watch}:
 * the new value is pushed to that server, which takes delivery in one write). Such a grant must be confirmed by the waiter's server within a set time,
 * or it is taken back and handed on, so a server that died with waiters cannot hold a slot
 * hostage. A server renews its waiters' places every quarter of the stale period; places not
 * renewed are dropped. {@code WaitVerdicts} decides, from one stored state, what became of each of
 * this server's waits.
 *
 * <p><b>Deadlines.</b> Expiry and timeouts live in the value, so whichever server acts first
 * after a deadline applies it, in the order the deadlines fell. They are wall-clock times, but a
 * server never ends a hold before its own monotonic clock has seen the hold's period run since
 * it first saw it granted or renewed ({@code HoldSightings}): clock skew can lengthen holds,
 * never shorten them.
 *
 * <p><b>Never two holders.</b> A grant some request of its host has been answered with is
 * claimed, and never withdrawn as undelivered; a grant made by a write whose outcome is unknown
 * (its reply lost) is withdrawn once the store answers again, unless claimed meanwhile.
 *
 * <p><b>Batching.</b> Within one server, concurrent changes of a pool are combined into one
 * compare-and-set ({@code BatchedChanges}, flat combining), and each write starts from the
 * version this server wrote last (one round trip instead of two), so a server's own requests
 * never conflict with each other.
 */
package io.distributex.core.shared;
