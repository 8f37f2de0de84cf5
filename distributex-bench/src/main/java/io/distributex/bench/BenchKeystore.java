package io.distributex.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed PKCS#12 keystore for {@code 127.0.0.1}, made by the JDK's {@code keytool} in a
 * temporary directory, for servers measured over HTTPS; and a TLS context that trusts exactly its
 * certificate, for the clients.
 *
 * @param file the keystore
 * @param password its password
 */
record BenchKeystore(Path file, String password) {
  static BenchKeystore create() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("distributex-bench-tls-");
    Path file = dir.resolve("keystore.p12");
    String password = "bench-" + Long.toHexString(System.nanoTime());
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "distributex",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", file.toString(), "-storepass", password)
        .redirectErrorStream(true)
        .start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("keytool failed: "
          + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    file.toFile().deleteOnExit();
    dir.toFile().deleteOnExit();
    return new BenchKeystore(file, password);
  }

  /** A client TLS context that trusts this keystore's certificate and nothing else. */
  SSLContext clientContext() throws IOException, GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      keys.load(in, password.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("distributex", keys.getCertificate("distributex"));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
