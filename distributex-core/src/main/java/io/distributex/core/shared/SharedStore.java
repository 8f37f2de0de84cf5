package io.distributex.core.shared;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the shared-state engine keeps one value per pool: a store that can read a value with its
 * version and write a value only if the version read is still the stored one (compare-and-set).
 * That is all the engine needs to let any number of servers share pools without ever granting a
 * slot twice; everything else (FIFO queue, handoff, expiry, delivery) is the engine's.
 *
 * <p>Every method throws {@link io.distributex.core.BackendUnavailableException} when the store
 * cannot be reached or misbehaves; none blocks for longer than the store's own operation timeout.
 */
public interface SharedStore extends AutoCloseable {

  /** The value stored for {@code pool} now, with what {@link #write} needs to replace it. */
  StoredValue read(String pool);

  /**
   * Stores {@code value} for {@code pool} if {@code read} (from {@link #read} or an earlier
   * {@link #write}) is still what is stored, or, when it was absent, if nothing is stored yet.
   *
   * @return what is stored now, to write from next; empty when another writer came first or
   *     {@code read} can no longer be checked (the engine then reads again)
   */
  Optional<StoredValue> write(String pool, StoredValue read, byte[] value);

  /**
   * Names the life of the store process that holds {@code pool}'s value: it changes when that
   * process restarts and forgets everything, so a server can tell a value lost in a restart from
   * one that was never written. Empty when the store cannot tell, or never forgets.
   */
  default Optional<String> incarnation(String pool) {
    return Optional.empty();
  }

  /**
   * Passes {@code pool}'s value to {@code changed} soon after another writer changed it, so the
   * engine acts at once instead of at its next poll (a release on another server then wakes a
   * waiter here by push). Values come in the order they were stored; one may also come for this
   * store's own write, or again after the watch was broken and restored: the engine only acts
   * on what is new. Calls come from a thread of the store's that may block on the store. A store
   * that cannot watch keeps this default, which never calls; the poll then finds every change.
   */
  default void watch(String pool, Consumer<StoredValue> changed) {}

  /** Throws unless every part of the store answers now. */
  void ping();

  /** The largest value the store keeps; a queue that would not fit is refused. */
  int maxValueBytes();

  @Override
  void close();
}
