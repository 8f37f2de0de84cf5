package io.distributex.server.config;

/**
 * Where the server keeps its locks: in its own memory (one server, state lost on restart), in
 * memcached or in etcd (shared by several servers, so they hand out one pool's slots together).
 * Written in the configuration as {@code backend: inmemory}, {@code backend: memcache}
 * ({@code memcached} is accepted too) or {@code backend: etcd}.
 */
public enum BackendKind {
  /** Locks live in the server's memory; the default. */
  INMEMORY,
  /** Locks live in memcached, shared by every server that uses the same memcached servers. */
  MEMCACHE,
  /** Locks live in an etcd cluster: shared by every server on it, replicated and durable. */
  ETCD
}
