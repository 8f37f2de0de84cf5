package io.distributex.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * What a client was built with, checked by {@link DistributexClient.Builder}: nothing is null but
 * {@code secret}, {@code tls} and {@code listener}, which are absent when not given.
 */
record Settings(
    List<URI> servers,
    String identity,
    Duration lease,
    String secret,
    SSLContext tls,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration waitRefresh,
    ClientListener listener,
    boolean plainSockets) {}
