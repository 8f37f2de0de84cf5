package io.distributex.etcd;

import static io.distributex.etcd.EtcdTestBackends.sharedTestBackend;

import io.distributex.core.LockBackend;
import io.distributex.core.Pool;
import io.distributex.core.TimeSource;
import io.distributex.testing.EtcdCluster;
import io.distributex.testing.LockBackendModelProperties;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The model-based test against a real one-member etcd. The model's restart step is left out: a
 * restarted server of the shared engine ends a hold no earlier than a whole period after it first
 * saw it (clock skew lengthens holds, never shortens them), where the model ends it on the old
 * deadline; {@code EtcdBackendTest} and {@code EtcdFaultTest} check what a restart keeps.
 */
class EtcdBackendModelProperties extends LockBackendModelProperties {
  private static final String PREFIX = EtcdTestBackends.freshPrefix();
  private static EtcdCluster etcd;

  @BeforeContainer
  static void startEtcd() throws Exception {
    etcd = EtcdCluster.start(1);
  }

  @AfterContainer
  static void stopEtcd() {
    etcd.close();
  }

  /** Fewer tries than in memory: every step is a Raft commit, and the suite has a time budget. */
  @Override
  @Property(tries = 100)
  public void behavesLikeTheModel(@ForAll("scenarios") Scenario scenario) {
    super.behavesLikeTheModel(scenario);
  }

  @Override
  protected LockBackend newBackend(List<Pool> pools, TimeSource time) {
    return sharedTestBackend(etcd, PREFIX, pools, time).build();
  }
}
