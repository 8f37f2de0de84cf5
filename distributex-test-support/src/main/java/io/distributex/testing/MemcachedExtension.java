package io.distributex.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real memcached for a test class: started before its first test, emptied before each test
 * (started again first if a test killed it), and stopped after its last. Register it on a static
 * field and reach the process through {@link #process()}:
 *
 * <pre>{@code
 * @RegisterExtension static final MemcachedExtension MEMCACHED = new MemcachedExtension();
 * }</pre>
 */
public final class MemcachedExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private MemcachedProcess process;

  /** The memcached of the running test class. */
  public MemcachedProcess process() {
    if (process == null) {
      throw new IllegalStateException("memcached is started before the first test of the class");
    }
    return process;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    process = MemcachedProcess.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (!process.isRunning()) {
      process.restart();
    }
    process.flush();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (process != null) {
      process.close();
      process = null;
    }
  }
}
