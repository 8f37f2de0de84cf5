package io.distributex.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * How to build a jetcd client for the etcd cluster: its endpoints, etcd's own user, and TLS. A
 * client connects lazily, so building one never waits for etcd. The store builds a new one when
 * the old one has failed for a while (see {@link EtcdStore}).
 */
record ClientSettings(
    List<URI> endpoints,
    Optional<String> username,
    Optional<String> password,
    Optional<Path> trustedCa,
    Optional<Path> certificate,
    Optional<Path> key,
    Duration connectTimeout) {
  ClientSettings {
    endpoints = List.copyOf(endpoints);
  }

  Client connect() {
    ClientBuilder client =
        Client.builder()
            .endpoints(endpoints.toArray(URI[]::new))
            .connectTimeout(connectTimeout);
    username.ifPresent(name -> client.user(bytes(name)));
    password.ifPresent(secret -> client.password(bytes(secret)));
    boolean https = endpoints.stream().anyMatch(endpoint -> "https".equals(endpoint.getScheme()));
    if (https || trustedCa.isPresent() || certificate.isPresent()) {
      try {
        client.sslContext(
            tls -> {
              trustedCa.ifPresent(ca -> tls.trustManager(ca.toFile()));
              certificate.ifPresent(cert -> tls.keyManager(cert.toFile(), key.orElseThrow().toFile()));
            });
      } catch (SSLException | IllegalArgumentException unusable) {
        throw new IllegalArgumentException("etcd TLS: " + EtcdStore.describe(unusable), unusable);
      }
    }
    return client.build();
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
