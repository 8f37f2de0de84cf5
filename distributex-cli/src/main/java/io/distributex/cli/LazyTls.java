package io.distributex.cli;

import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A default {@link SSLContext} that builds the JDK's real one only when TLS is first used.
 *
 * <p>The JDK's {@code HttpClient} asks for {@code SSLContext.getDefault()} when it is created,
 * also when it will only ever speak plain HTTP, and building that context loads the security
 * providers and parses the JDK's CA certificates: the largest single part of the command's
 * start-up (see README-cli.md). The command talks to {@code http://HOST:PORT/} only, so it
 * installs this stand-in first; should anything use TLS after all, it gets the real context.
 */
final class LazyTls extends SSLContextSpi {
  private volatile SSLContext real;

  private LazyTls() {}

  /** Makes the stand-in the JVM's default context; call before any HTTP client is built. */
  static void install() {
    SSLContext.setDefault(new SSLContext(new LazyTls(), null, "Default") {});
  }

  private SSLContext real() {
    SSLContext context = real;
    if (context == null) {
      synchronized (this) {
        context = real;
        if (context == null) {
          try {
            context = SSLContext.getInstance("Default");
          } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("no default TLS context in this JDK", missing);
          }
          real = context;
        }
      }
    }
    return context;
  }

  @Override
  protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) throws KeyManagementException {
    throw new KeyManagementException("the default TLS context is initialized already");
  }

  @Override
  protected SSLSocketFactory engineGetSocketFactory() {
    return real().getSocketFactory();
  }

  @Override
  protected SSLServerSocketFactory engineGetServerSocketFactory() {
    return real().getServerSocketFactory();
  }

  @Override
  protected SSLEngine engineCreateSSLEngine() {
    return real().createSSLEngine();
  }

  @Override
  protected SSLEngine engineCreateSSLEngine(String host, int port) {
    return real().createSSLEngine(host, port);
  }

  @Override
  protected SSLSessionContext engineGetServerSessionContext() {
    return real().getServerSessionContext();
  }

  @Override
  protected SSLSessionContext engineGetClientSessionContext() {
    return real().getClientSessionContext();
  }

  /**
   * Empty parameters (no protocols or cipher suites named), without building the real context:
   * an engine given them keeps its own defaults, which are the real context's.
   */
  @Override
  protected SSLParameters engineGetDefaultSSLParameters() {
    return new SSLParameters();
  }

  @Override
  protected SSLParameters engineGetSupportedSSLParameters() {
    return real().getSupportedSSLParameters();
  }
}
