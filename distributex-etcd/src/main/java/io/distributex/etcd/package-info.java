/**
 * The etcd store under the shared-state engine ({@link io.distributex.core.shared}): one public
 * entry, {@link io.distributex.etcd.EtcdBackend}.
 *
 * <h2>How it talks to etcd</h2>
 *
 * <p><b>Layout.</b> Each pool is one key, {@code PREFIX pools/NAME}, holding the engine's value
 * (holders, FIFO queue, last token). A write is a transaction: put the new value if the key's
 * {@code mod_revision} is still the one read ({@code 0} when the key does not exist yet), so the
 * engine's compare-and-set maps onto etcd one to one, and every change is one round trip to the
 * leader and one Raft commit. One key per pool, rather than one key per holder and waiter, keeps
 * a change atomic without multi-key transactions and keeps the engine shared with memcached.
 *
 * <p><b>What etcd adds.</b> etcd answers a write once a quorum has it on disk: the values, and
 * with them every hold and the last token of every pool, survive the loss of a minority of
 * members and a restart of all of them. Reads are linearizable (they go through the leader), so a
 * server never grants from a stale value. Since a value is never lost, the engine's recovery from
 * a lost value (new epoch) never runs here, and tokens, kept in the value, increase forever.
 *
 * <p><b>Push, not poll.</b> Every server watches its pools' keys ({@code PoolWatch}). When a
 * release on another server hands a slot to a waiter here, the watch event arrives within a
 * millisecond or two, and this server reads the value, confirms the delivery and answers its
 * waiter. Events of this server's own writes are recognised by revision and skipped. The watch
 * requires a leader, so a member cut off from the quorum ends it; it is started again (through
 * another member) and the engine reads at once, since a change may have been missed. The engine
 * still reads once a second while it has waiters: that renews its queue places, and catches
 * anything a broken watch missed.
 *
 * <p><b>A server that dies.</b> Its waiters' places in the shared queues are renewed by it every
 * 2.5 s and dropped by the other servers 10 s after the last renewal; a grant made to one of its
 * waiters that it never confirmed is taken back after 5 s; its clients' holds end with their
 * leases. These are the engine's own rules and need no etcd lease.
 *
 * <p><b>No quorum.</b> Every operation has a timeout (2 s by default); without a quorum it fails
 * with {@link io.distributex.core.BackendUnavailableException}, which the server answers with
 * {@code 503}, never {@code YES}. jetcd reconnects by itself, so the server serves again as soon
 * as etcd has a leader; the client connects lazily, so a server starts while etcd is down.
 */
package io.distributex.etcd;
