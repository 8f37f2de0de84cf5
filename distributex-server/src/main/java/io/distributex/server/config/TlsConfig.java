package io.distributex.server.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The {@code tls} section: serve HTTPS with the key and certificate of a keystore (PKCS#12 or JKS)
 * instead of plain HTTP. The keystore is only named here; the server opens it at start.
 *
 * @param keystore the keystore file; a relative path in a loaded file is resolved against the
 *     directory of that file
 * @param password the keystore's password
 */
public record TlsConfig(Path keystore, String password) {
  public TlsConfig {
    requireNonNull(keystore, "keystore");
    requireNonNull(password, "password");
  }

  /** Shows the keystore but never the password, so a logged configuration leaks nothing. */
  @Override
  public String toString() {
    return "TlsConfig[keystore=" + keystore + ", password=***]";
  }
}
