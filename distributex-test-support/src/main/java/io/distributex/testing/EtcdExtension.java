package io.distributex.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real etcd cluster for a test class: started before its first test, every member running
 * again before each test (a test may kill some), and stopped after its last. Tests keep apart by
 * key prefix, not by emptying etcd. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension(3);
 * }</pre>
 */
public final class EtcdExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private final int members;
  private EtcdCluster cluster;

  /** A cluster of {@code members} members. */
  public EtcdExtension(int members) {
    this.members = members;
  }

  /** The cluster of the running test class. */
  public EtcdCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("etcd is started before the first test of the class");
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    cluster = EtcdCluster.start(members);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    cluster.restartStopped();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
