package io.distributex.server.config;

import com.google.common.base.Splitter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One node of a composed YAML file, read as the configuration expects it, with the key path and
 * line that every error names. Reading the node tree ourselves, rather than letting SnakeYAML build
 * maps, keeps a line for every value and sees duplicate keys.
 */
final class YamlValue {
  private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]*");
  private static final Set<String> BOOLEANS =
      Set.of("true", "True", "TRUE", "false", "False", "FALSE");
  private static final int MAX_SHOWN = 60;

  private final String file;
  private final String path;
  private final int line;
  private final Node node;

  private YamlValue(String file, String path, int line, Node node) {
    this.file = file;
    this.path = path;
    this.line = line;
    this.node = node;
  }

  /** The document's root node, which has no key. */
  static YamlValue root(String file, Node node) {
    return new YamlValue(file, null, lineOf(node), node);
  }

  /**
   * The 1-based line of this value: of its key in a mapping (a block list or mapping starts only on
   * the next line, an empty value nowhere), of itself in a list.
   */
  int line() {
    return line;
  }

  /** Whether the value is YAML's null: empty, {@code ~} or {@code null}. */
  boolean isNull() {
    return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
  }

  /** Whether the value is a mapping (key: value lines, or {key: value}). */
  boolean isMapping() {
    return node instanceof MappingNode;
  }

  /** An error about this value. */
  ConfigException error(String problem) {
    return new ConfigException(file, line, path, problem);
  }

  /** An error about {@code key}, which this mapping lacks. */
  ConfigException missing(String key, String problem) {
    return new ConfigException(file, path == null ? 0 : line, childPath(key), problem);
  }

  /** Throws {@link #error} when {@code problem} is present. */
  void check(Optional<String> problem) throws ConfigException {
    if (problem.isPresent()) {
      throw error(problem.get());
    }
  }

  /**
   * Reads a mapping whose keys must all be among {@code known}, refusing duplicate keys.
   *
   * @return the values by key, in file order
   */
  Map<String, YamlValue> settings(List<String> known) throws ConfigException {
    return mapping(known);
  }

  /** Reads a mapping with keys of any name, refusing duplicate keys; in file order. */
  Map<String, YamlValue> entries() throws ConfigException {
    return mapping(null);
  }

  /** Reads a mapping, checking its keys in file order; {@code known} null admits every key. */
  private Map<String, YamlValue> mapping(List<String> known) throws ConfigException {
    MappingNode mapping = as(MappingNode.class, "a mapping (key: value lines)");
    Map<String, YamlValue> values = new LinkedHashMap<>();
    Map<String, Integer> keyLines = new HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      int keyLine = lineOf(keyNode);
      if (!(keyNode instanceof ScalarNode)) {
        throw new ConfigException(
            file, keyLine, path, "a key must be a plain name, not " + describe(keyNode));
      }
      String key = ((ScalarNode) keyNode).getValue();
      if (known != null && !known.contains(key)) {
        throw new ConfigException(
            file, keyLine, childPath(key), "unknown key (known: " + String.join(", ", known) + ")");
      }
      Integer first = keyLines.putIfAbsent(key, keyLine);
      if (first != null) {
        throw new ConfigException(
            file, keyLine, childPath(key), "duplicate key (first at line " + first + ")");
      }
      values.put(key, new YamlValue(file, childPath(key), keyLine, tuple.getValueNode()));
    }
    return values;
  }

  /** Reads a YAML list. */
  List<YamlValue> list() throws ConfigException {
    SequenceNode sequence = as(SequenceNode.class, "a list");
    List<YamlValue> items = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      items.add(new YamlValue(file, path + "[" + items.size() + "]", lineOf(item), item));
    }
    return items;
  }

  /**
   * Reads a YAML list of single values, or one comma-separated string (as 0.7 wrote lists), whose
   * items are trimmed and whose empty items are dropped.
   */
  List<YamlValue> textItems() throws ConfigException {
    if (node instanceof SequenceNode) {
      return list();
    }
    List<YamlValue> items = new ArrayList<>();
    for (String part : Splitter.on(',').trimResults().omitEmptyStrings().split(text())) {
      Node partNode =
          new ScalarNode(
              Tag.STR,
              part,
              node.getStartMark(),
              node.getEndMark(),
              DumperOptions.ScalarStyle.PLAIN);
      items.add(new YamlValue(file, path, line, partNode));
    }
    return items;
  }

  /** Reads a single value as text, whatever YAML type it resolved to ({@code 2024} too). */
  String text() throws ConfigException {
    return as(ScalarNode.class, "a single value").getValue();
  }

  /** Reads a YAML integer written in decimal, between {@code min} and {@code max}. */
  int integer(int min, int max) throws ConfigException {
    String text = text();
    if (!node.getTag().equals(Tag.INT) || !DECIMAL.matcher(text).matches()) {
      throw error("must be a non-negative integer (got " + describe(node) + ")");
    }
    BigInteger value = new BigInteger(text);
    if (value.compareTo(BigInteger.valueOf(min)) < 0) {
      throw error("must be at least " + min + " (got " + text + ")");
    }
    if (value.compareTo(BigInteger.valueOf(max)) > 0) {
      throw error("must be at most " + max + " (got " + text + ")");
    }
    return value.intValueExact();
  }

  /** Reads a YAML boolean; only {@code true} and {@code false}, not YAML 1.1's yes/no/on/off. */
  boolean bool() throws ConfigException {
    String text = text();
    if (!node.getTag().equals(Tag.BOOL) || !BOOLEANS.contains(text)) {
      throw error("must be true or false (got " + describe(node) + ")");
    }
    return Boolean.parseBoolean(text);
  }

  private <T extends Node> T as(Class<T> type, String expected) throws ConfigException {
    if (!node.getTag().getValue().startsWith(Tag.PREFIX)) {
      // A local tag such as !env asks for processing this loader does not do: refuse it
      // rather than take its text literally.
      throw error("YAML tags such as '" + node.getTag().getValue() + "' are not supported");
    }
    if (isNull()) {
      throw error("has no value (expected " + expected + ")");
    }
    if (!type.isInstance(node)) {
      throw error(
          (path == null ? "the file " : "") + "must be " + expected + ", not " + describe(node));
    }
    return type.cast(node);
  }

  private String childPath(String key) {
    return path == null ? key : path + "." + key;
  }

  private static int lineOf(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  /** How a value is shown in a message: quoted and cut short; a quoted string says so. */
  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode scalar = (ScalarNode) node;
    String value = scalar.getValue();
    if (value.codePointCount(0, value.length()) > MAX_SHOWN) {
      value = value.substring(0, value.offsetByCodePoints(0, MAX_SHOWN)) + "...";
    }
    String shown = "'" + value + "'";
    return scalar.isPlain() ? shown : "the string " + shown;
  }
}
