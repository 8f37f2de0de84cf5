package io.distributex.server;

import io.distributex.server.config.TlsConfig;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The TLS context of the {@code tls} section: the key and certificate of its keystore. */
final class TlsContext {
  private TlsContext() {}

  /**
   * Opens the keystore (PKCS#12 or JKS, told apart by its content) with its password.
   *
   * @throws IllegalStateException naming the keystore, when it cannot be read or holds no key
   */
  static SSLContext load(TlsConfig tls) {
    char[] password = tls.password().toCharArray();
    try {
      KeyStore keys = KeyStore.getInstance(tls.keystore().toFile(), password);
      if (!holdsAKey(keys)) {
        throw new IllegalStateException("tls.keystore " + tls.keystore() + " holds no private key");
      }
      KeyManagerFactory managers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      managers.init(keys, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(managers.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException | IllegalArgumentException unreadable) {
      String problem = "cannot read tls.keystore " + tls.keystore() + ": " + unreadable.getMessage();
      throw new IllegalStateException(problem, unreadable);
    }
  }

  private static boolean holdsAKey(KeyStore keys) throws GeneralSecurityException {
    for (String alias : Collections.list(keys.aliases())) {
      if (keys.isKeyEntry(alias)) {
        return true;
      }
    }
    return false;
  }
}
