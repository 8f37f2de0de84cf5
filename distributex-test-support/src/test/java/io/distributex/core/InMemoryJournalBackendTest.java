package io.distributex.core;

import io.distributex.testing.LockBackendContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/** The whole backend contract, with every change going through a journal on disk. */
class InMemoryJournalBackendTest extends LockBackendContract {
  @Override
  protected LockBackend newBackend(List<Pool> pools, TimeSource time, int maxWaiters) {
    try {
      return InMemoryBackend.builder()
          .pools(pools)
          .timeSource(time)
          .maxWaiters(maxWaiters)
          .journal(Files.createTempDirectory("distributex-contract").resolve("journal"))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
