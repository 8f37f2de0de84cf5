package io.distributex.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A PKCS#12 keystore made for a test or a benchmark by the JDK's {@code keytool}: a self-signed EC key for
 * {@code localhost} and {@code 127.0.0.1}, and an HTTPS client that trusts exactly that
 * certificate. Needs nothing but the JDK (the benchmarks run it outside JUnit).
 */
public record TestKeystore(Path file, String password) {
  public static TestKeystore create(Path dir) throws IOException, InterruptedException {
    Path file = dir.resolve("keystore.p12");
    String password = "test-" + Long.toHexString(System.nanoTime());
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                keytool.toString(), "-genkeypair", "-alias", "distributex",
                "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", password)
            .redirectErrorStream(true)
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("keytool did not finish within 60 s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0 || !Files.isRegularFile(file) || Files.size(file) == 0) {
      throw new IOException("keytool failed (exit status " + process.exitValue() + "): " + output);
    }
    return new TestKeystore(file, password);
  }

  /** The {@code tls} section of a configuration serving with this keystore. */
  public String yaml() {
    return "tls:\n  keystore: \"" + file + "\"\n  password: \"" + password + "\"\n";
  }

  /** A trust store holding this keystore's certificate and nothing else. */
  public KeyStore trusted() throws IOException, GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      keys.load(in, password.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("distributex", keys.getCertificate("distributex"));
    return trusted;
  }

  /** A client TLS context that trusts this keystore's certificate and nothing else. */
  public SSLContext clientContext() throws IOException, GeneralSecurityException {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** An HTTP/1.1 client that trusts this keystore's certificate and nothing else. */
  public HttpClient client() throws IOException, GeneralSecurityException {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .sslContext(clientContext())
        .build();
  }
}
