package io.distributex.testing;

import io.distributex.core.LockBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The backends a test opens, closed after it. Register it on an instance field:
 * {@code @RegisterExtension final OpenedBackends opened = new OpenedBackends();}
 */
public final class OpenedBackends implements AfterEachCallback {
  private final List<LockBackend> opened = new ArrayList<>();

  /** {@code backend}, to be closed after the test. */
  public LockBackend add(LockBackend backend) {
    opened.add(backend);
    return backend;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    opened.forEach(LockBackend::close);
  }
}
