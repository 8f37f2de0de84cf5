package io.distributex.core;

import io.distributex.testing.LockBackendModelProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link InMemoryBackend} with a journal against the reference model, with restarts among the
 * steps: after a restart the backend must equal the model minus its waiters (whose requests fail)
 * and minus the holds whose deadline passed; tokens go on growing.
 */
class InMemoryJournalModelProperties extends LockBackendModelProperties {
  private final Map<LockBackend, Path> journals = new ConcurrentHashMap<>();

  @Override
  protected LockBackend newBackend(List<Pool> pools, TimeSource time) {
    try {
      Path file = Files.createTempDirectory("distributex-model").resolve("journal");
      return opened(file, pools, time);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected LockBackend restart(LockBackend old, List<Pool> pools, TimeSource time) {
    Path file = journals.remove(old);
    old.close();
    return opened(file, pools, time);
  }

  @Override
  protected void afterEach(LockBackend backend) {
    Path file = journals.remove(backend);
    backend.close();
    try {
      for (Path each : List.of(file, file.resolveSibling("journal.lock"), file.getParent())) {
        Files.deleteIfExists(each);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private LockBackend opened(Path file, List<Pool> pools, TimeSource time) {
    LockBackend backend = InMemoryBackend.builder().pools(pools).timeSource(time).journal(file).build();
    journals.put(backend, file);
    return backend;
  }
}
