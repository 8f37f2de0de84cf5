package io.distributex.core.shared;

import java.util.Optional;

/**
 * One version of a pool's value as a {@link SharedStore} read or wrote it. The store keeps in it
 * whatever it needs to check the version on the next write (a cas id, a revision); the engine
 * only reads the bytes.
 */
public interface StoredValue {
  /** The stored bytes; empty when the store holds nothing for the pool. */
  Optional<byte[]> bytes();
}
