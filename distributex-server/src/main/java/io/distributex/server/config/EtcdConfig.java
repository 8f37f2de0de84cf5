package io.distributex.server.config;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code etcd} section: the etcd cluster the {@code etcd} backend keeps its pools in, and how
 * to log in to it.
 *
 * @param endpoints the members' client URLs ({@code http://} or {@code https://}); at least one
 * @param prefix the key prefix under which the pools live
 * @param username etcd's own user, when etcd has authentication enabled
 * @param password that user's password (present exactly when {@code username} is)
 * @param cacert the CA that signed the members' certificates, for {@code https} endpoints
 * @param cert this server's client certificate, when etcd asks for one
 * @param key the private key of {@code cert} (present exactly when {@code cert} is)
 */
public record EtcdConfig(
    List<URI> endpoints,
    String prefix,
    Optional<String> username,
    Optional<String> password,
    Optional<Path> cacert,
    Optional<Path> cert,
    Optional<Path> key) {
  /** The prefix of PROTOCOL's example, so several clusters of servers can share one etcd. */
  public static final String DEFAULT_PREFIX = "/distributex/";

  public EtcdConfig {
    endpoints = List.copyOf(endpoints);
    checkArgument(!endpoints.isEmpty(), "at least one etcd endpoint is required");
    requireNonNull(prefix, "prefix");
    checkArgument(username.isPresent() == password.isPresent(), "username and password go together");
    checkArgument(cert.isPresent() == key.isPresent(), "cert and key go together");
    requireNonNull(cacert, "cacert");
  }

  /** Shows everything but the password, so a logged configuration leaks nothing. */
  @Override
  public String toString() {
    return "EtcdConfig[endpoints=" + endpoints + ", prefix=" + prefix + ", username=" + username
        + ", password=" + password.map(secret -> "***") + ", cacert=" + cacert + ", cert=" + cert
        + ", key=" + key + "]";
  }
}
