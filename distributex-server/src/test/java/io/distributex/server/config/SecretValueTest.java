package io.distributex.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets kept out of the configuration file: {@code {file: }}, {@code {env: }}, {@code {credential: }}. */
class SecretValueTest {
  private static final String POOLS = "pools:\n  - name: p\n";

  @TempDir Path dir;

  private DistributexConfig load(String yaml, Map<String, String> environment) throws Exception {
    Path file = dir.resolve("d.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return ConfigLoader.load(file, environment);
  }

  private ConfigException refused(String yaml, Map<String, String> environment) {
    return assertThrows(ConfigException.class, () -> load(yaml, environment));
  }

  @Test
  void everySecretMayComeFromAFileWithoutItsTrailingLineBreak() throws Exception {
    Files.writeString(dir.resolve("shared"), "s3cret\n");
    Files.writeString(dir.resolve("web1"), "web-one\r\n");
    Files.writeString(dir.resolve("admin"), "adm1n");
    Files.writeString(dir.resolve("keystore-password"), "changeit\n");
    DistributexConfig config =
        load(
            "auth:\n"
                + "  secret: {file: shared}\n" // relative: next to the configuration
                + "  clients:\n"
                + "    web1: { file: " + dir.resolve("web1") + " }\n"
                + "    web2: inline-2\n"
                + "  admin:\n"
                + "    file: admin\n"
                + "tls:\n"
                + "  keystore: k.p12\n"
                + "  password: {file: keystore-password}\n"
                + POOLS,
            Map.of());
    AuthConfig auth = config.auth().orElseThrow();
    assertEquals(Optional.of("s3cret"), auth.secret());
    assertEquals(Map.of("web1", "web-one", "web2", "inline-2"), auth.clients());
    assertEquals(Optional.of("adm1n"), auth.admin());
    assertEquals("changeit", config.tls().orElseThrow().password());
  }

  @Test
  void aSecretMayComeFromTheEnvironmentOrASystemdCredential() throws Exception {
    Files.createDirectories(dir.resolve("credentials"));
    Files.writeString(dir.resolve("credentials/admin"), "from-systemd\n");
    DistributexConfig config =
        load(
            "auth:\n  secret: {env: SHARED_SECRET}\n  admin: {credential: admin}\n" + POOLS,
            Map.of("SHARED_SECRET", "from-env", "CREDENTIALS_DIRECTORY", dir.resolve("credentials").toString()));
    assertEquals(Optional.of("from-env"), config.auth().orElseThrow().secret());
    assertEquals(Optional.of("from-systemd"), config.auth().orElseThrow().admin());
  }

  @Test
  void aMissingFileIsAnErrorNamingTheLineAndTheFile() {
    ConfigException e = refused("auth:\n  clients:\n    web1: {file: /no/such/secret}\n" + POOLS, Map.of());
    assertEquals(OptionalInt.of(3), e.line());
    assertEquals(Optional.of("auth.clients.web1.file"), e.key());
    assertEquals("cannot read /no/such/secret: file not found", e.problem());
    assertTrue(e.getMessage().startsWith(dir.resolve("d.yaml") + ":3: "), e.getMessage());
  }

  @Test
  void anUnsetOrEmptyVariableIsAnErrorNamingIt() {
    String yaml = "auth:\n  secret:\n    env: SHARED_SECRET\n" + POOLS;
    ConfigException unset = refused(yaml, Map.of());
    assertEquals(OptionalInt.of(3), unset.line());
    assertEquals("environment variable SHARED_SECRET is not set", unset.problem());
    assertEquals("environment variable SHARED_SECRET is empty", refused(yaml, Map.of("SHARED_SECRET", "")).problem());
  }

  @Test
  void aCredentialOutsideSystemdIsAnError() {
    ConfigException e = refused("auth:\n  admin: {credential: admin}\n" + POOLS, Map.of());
    assertEquals(OptionalInt.of(2), e.line());
    assertTrue(e.problem().contains("$CREDENTIALS_DIRECTORY is not set"), e.problem());
    ConfigException path =
        refused("auth:\n  admin: {credential: ../admin}\n" + POOLS, Map.of("CREDENTIALS_DIRECTORY", dir.toString()));
    assertTrue(path.problem().contains("without '/'"), path.problem());
  }

  @Test
  void aSecretFileIsCheckedAsAnInlineSecret() throws Exception {
    Files.writeString(dir.resolve("empty"), "\n");
    Files.writeString(dir.resolve("two-lines"), "a\nb\n");
    assertEquals("secret must not be empty", refused("auth:\n  secret: {file: empty}\n" + POOLS, Map.of()).problem());
    assertEquals(
        "secret must not contain control characters",
        refused("auth:\n  secret: {file: two-lines}\n" + POOLS, Map.of()).problem());
  }

  @Test
  void oneSourceExactlyAndOnlyKnownOnes() {
    ConfigException two = refused("auth:\n  secret: {file: a, env: B}\n" + POOLS, Map.of());
    assertEquals(OptionalInt.of(2), two.line());
    assertTrue(two.problem().contains("{file: PATH}, {env: NAME}, {credential: NAME}"), two.problem());
    ConfigException unknown = refused("auth:\n  secret: {vault: a}\n" + POOLS, Map.of());
    assertEquals(Optional.of("auth.secret.vault"), unknown.key());
    ConfigException empty = refused("auth:\n  secret: {env: ''}\n" + POOLS, Map.of());
    assertEquals("must not be empty", empty.problem());
  }

  @Test
  void aFileFarLargerThanASecretIsRefusedUnread() throws Exception {
    Files.write(dir.resolve("big"), new byte[100_000]);
    ConfigException e = refused("auth:\n  secret: {file: big}\n" + POOLS, Map.of());
    assertTrue(e.problem().endsWith("more than 65536 bytes"), e.problem());
  }
}
