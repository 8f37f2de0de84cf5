package io.distributex.server.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A secret of the configuration ({@code auth.secret}, each of {@code auth.clients}, {@code
 * auth.admin}, {@code tls.password}), written inline or kept out of the file, so that the file can
 * be committed and the secret come from where containers and systemd put secrets:
 *
 * <pre>
 * secret: change-me                          # inline
 * secret: { file: /run/secrets/distributex } # a file (Docker and Kubernetes secrets)
 * secret: { env: DISTRIBUTEX_SECRET }        # an environment variable
 * secret: { credential: secret }             # a systemd credential (LoadCredential=secret:...)
 * </pre>
 *
 * <p>A file's (or credential's) whole content is the secret, less one trailing line break, which
 * editors and {@code echo} add. A relative file is resolved against the configuration's directory.
 * A file that cannot be read, a variable that is unset or empty, a credential without systemd's
 * {@code $CREDENTIALS_DIRECTORY}: a {@link ConfigException} naming the key's line and the file or
 * variable.
 */
final class SecretValue {
  /** The keys of the mapping form; exactly one is given. */
  private static final List<String> SOURCES = List.of("file", "env", "credential");
  /** Far beyond any secret; a bigger file is refused rather than read into memory. */
  private static final long MAX_BYTES = 64 * 1024;
  /** Where systemd puts the credentials of the service (systemd.exec(5), LoadCredential=). */
  static final String CREDENTIALS_DIRECTORY = "CREDENTIALS_DIRECTORY";

  private SecretValue() {}

  /**
   * The secret that {@code value} gives, inline or from its source.
   *
   * @param baseDir the directory a relative file is resolved against
   * @param environment the server's environment
   */
  static String read(YamlValue value, Path baseDir, Map<String, String> environment)
      throws ConfigException {
    if (!value.isMapping()) {
      return value.text();
    }
    Map<String, YamlValue> sources = value.settings(SOURCES);
    if (sources.size() != 1) {
      throw value.error(
          "give the secret inline or as one of {file: PATH}, {env: NAME}, {credential: NAME}");
    }
    Map.Entry<String, YamlValue> source = sources.entrySet().iterator().next();
    YamlValue name = source.getValue();
    String text = name.text();
    if (text.isEmpty()) {
      throw name.error("must not be empty");
    }
    return switch (source.getKey()) {
      case "file" -> fromFile(name, path(name, baseDir, text));
      case "env" -> fromEnvironment(name, text, environment);
      default -> fromFile(name, credential(name, text, environment));
    };
  }

  private static String fromEnvironment(YamlValue name, String variable, Map<String, String> environment)
      throws ConfigException {
    String secret = environment.get(variable);
    if (secret == null) {
      throw name.error("environment variable " + variable + " is not set");
    }
    if (secret.isEmpty()) {
      throw name.error("environment variable " + variable + " is empty");
    }
    return secret;
  }

  /** The file of credential {@code credential} of the systemd service the server runs as. */
  private static Path credential(YamlValue name, String credential, Map<String, String> environment)
      throws ConfigException {
    String directory = environment.get(CREDENTIALS_DIRECTORY);
    if (directory == null || directory.isEmpty()) {
      throw name.error(
          "$" + CREDENTIALS_DIRECTORY + " is not set: a credential comes from systemd's LoadCredential=");
    }
    if (credential.contains("/") || credential.equals(".") || credential.equals("..")) {
      throw name.error("a credential's name is a file name, without '/'");
    }
    return path(name, Path.of(directory), credential);
  }

  private static Path path(YamlValue name, Path baseDir, String path) throws ConfigException {
    try {
      return baseDir.resolve(path);
    } catch (InvalidPathException e) {
      throw name.error("not a valid path: " + e.getReason());
    }
  }

  private static String fromFile(YamlValue name, Path file) throws ConfigException {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw name.error("cannot read " + file + ": more than " + MAX_BYTES + " bytes");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw name.error("cannot read " + file + ": file not found");
    } catch (AccessDeniedException e) {
      throw name.error("cannot read " + file + ": permission denied");
    } catch (CharacterCodingException e) {
      throw name.error("cannot read " + file + ": not valid UTF-8");
    } catch (IOException e) {
      throw name.error("cannot read " + file + ": " + e.getMessage());
    }
    if (text.endsWith("\r\n")) {
      return text.substring(0, text.length() - 2);
    }
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }
}
