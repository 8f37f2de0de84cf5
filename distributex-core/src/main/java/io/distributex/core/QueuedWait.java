package io.distributex.core;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One place in an {@link InMemoryPool}'s queue: the future to complete when the slot comes, the
 * mode and lease asked for, when the host joined, and its timeout task.
 */
record QueuedWait(
    CompletableFuture<Optional<Grant>> future,
    Mode mode,
    Optional<Duration> lease,
    long since,
    TimeSource.Cancellable timeout) {}
