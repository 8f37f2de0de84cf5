package io.distributex.server.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads the server's YAML configuration file (docs/operations.md). Only YAML's plain data is
 * read, never Java objects, and the file's size, nesting and aliases are bounded, so a hostile file
 * cannot run code or exhaust memory. Any fault ends in one {@link ConfigException} naming file,
 * line and key.
 */
public final class ConfigLoader {
  /** Far beyond any real configuration; a bigger input is refused before it is parsed. */
  static final int MAX_CHARS = 1 << 20;

  private static final int MAX_ALIASES = 20;
  private static final int MAX_NESTING = 20;

  private ConfigLoader() {}

  /**
   * Reads and checks {@code file}, which must be UTF-8. A relative {@code tls.keystore}, {@code
   * journal} or secret file is resolved against the file's directory; secrets written as {@code
   * {env: NAME}} or {@code {credential: NAME}} come from this process's environment.
   */
  public static DistributexConfig load(Path file) throws ConfigException {
    return load(file, System.getenv());
  }

  /** {@link #load(Path)} with {@code environment} in place of this process's environment. */
  static DistributexConfig load(Path file, Map<String, String> environment) throws ConfigException {
    String name = file.toString();
    StringBuilder text = new StringBuilder();
    try (Reader reader = Files.newBufferedReader(file)) {
      char[] chunk = new char[8192];
      for (int n = reader.read(chunk); n >= 0; n = reader.read(chunk)) {
        text.append(chunk, 0, n);
        if (text.length() > MAX_CHARS) {
          throw tooLarge(name);
        }
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, 0, "file not found", e);
    } catch (AccessDeniedException e) {
      throw new ConfigException(name, 0, "permission denied", e);
    } catch (CharacterCodingException e) {
      throw new ConfigException(name, 0, "file is not valid UTF-8", e);
    } catch (IOException e) {
      throw new ConfigException(name, 0, "cannot read file: " + e.getMessage(), e);
    }
    return read(text.toString(), name, file.toAbsolutePath().getParent(), environment);
  }

  /**
   * Reads and checks a configuration given as text; {@code fileName} is what messages call it. A
   * relative {@code tls.keystore}, {@code journal} or secret file stays relative (to the working
   * directory).
   */
  public static DistributexConfig parse(String yamlText, String fileName) throws ConfigException {
    return parse(yamlText, fileName, System.getenv());
  }

  /** {@link #parse(String, String)} with {@code environment} in place of this process's. */
  static DistributexConfig parse(String yamlText, String fileName, Map<String, String> environment)
      throws ConfigException {
    return read(yamlText, fileName, Path.of(""), environment);
  }

  private static DistributexConfig read(
      String text, String name, Path baseDir, Map<String, String> environment)
      throws ConfigException {
    if (text.length() > MAX_CHARS) {
      throw tooLarge(name);
    }
    Node node = compose(text, name);
    YamlValue root = node == null ? null : YamlValue.root(name, node);
    if (root == null || root.isNull()) {
      throw new ConfigException(name, 1, null, "file is empty");
    }
    return ConfigReader.read(root, baseDir, environment);
  }

  private static Node compose(String text, String name) throws ConfigException {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CHARS);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING);
    try {
      return new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String context = e.getContext() == null ? "" : e.getContext() + ", ";
      throw new ConfigException(
          name,
          mark == null ? 0 : mark.getLine() + 1,
          "invalid YAML: " + context + e.getProblem(),
          e);
    } catch (ReaderException e) {
      String problem =
          String.format("invalid YAML: character U+%04X is not allowed", e.getCodePoint());
      throw new ConfigException(name, lineAt(text, e.getPosition()), problem, e);
    } catch (YAMLException e) {
      throw new ConfigException(name, 0, "invalid YAML: " + e.getMessage(), e);
    }
  }

  /** The 1-based line of the {@code codePoints}-th code point, counting breaks as YAML does. */
  private static int lineAt(String text, int codePoints) {
    int line = 1;
    int end =
        text.offsetByCodePoints(0, Math.min(codePoints, text.codePointCount(0, text.length())));
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      boolean crlf = c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
      if (c == '\n' || (c == '\r' && !crlf) || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        line++;
      }
    }
    return line;
  }

  private static ConfigException tooLarge(String name) {
    return new ConfigException(
        name, 0, null, "file is too large (more than " + MAX_CHARS + " characters)");
  }
}
