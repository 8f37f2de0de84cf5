package io.distributex.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4 that also makes the checks of
 * {@code promtool check metrics}: every line well-formed and ending in a newline, one HELP and one
 * TYPE per family before its samples, families contiguous, no duplicate series, counters named
 * {@code _total}, label values escaped, histograms with cumulative buckets, a {@code +Inf} bucket
 * equal to {@code _count}, and a {@code _sum}. Anything else is an {@link AssertionError}.
 */
final class Exposition {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern FLOAT =
      Pattern.compile("[+-]?(?:Inf|NaN|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One sample: its name, its labels in order of appearance, its value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private final Map<String, String> types = new LinkedHashMap<>();
  private final Map<String, String> helps = new HashMap<>();
  private final List<Sample> samples = new ArrayList<>();

  private Exposition() {}

  static Exposition parse(String text) {
    Exposition exposition = new Exposition();
    if (!text.endsWith("\n")) {
      throw new AssertionError("the exposition must end with a newline");
    }
    Set<String> finished = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    int number = 0;
    for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
      number++;
      String where = "line " + number + " '" + line + "': ";
      String family;
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 4 || !METRIC_NAME.matcher(parts[2]).matches()) {
          throw new AssertionError(where + "malformed comment");
        }
        family = parts[2];
        Map<String, String> into = parts[1].equals("HELP") ? exposition.helps : exposition.types;
        if (into.put(family, parts[1].equals("HELP") ? unescapeHelp(parts[3], where) : parts[3]) != null) {
          throw new AssertionError(where + "second " + parts[1] + " for " + family);
        }
        if (parts[1].equals("TYPE") && !TYPES.contains(parts[3])) {
          throw new AssertionError(where + "unknown type");
        }
        boolean sampled =
            exposition.samples.stream()
                .anyMatch(s -> familyOf(s.name(), exposition.types).equals(family));
        if (parts[1].equals("TYPE") && sampled) {
          throw new AssertionError(where + "TYPE after samples of " + family);
        }
      } else if (line.startsWith("#") || line.isEmpty()) {
        throw new AssertionError(where + "unexpected comment or empty line");
      } else {
        Sample sample;
        try {
          sample = sample(line, where);
        } catch (IndexOutOfBoundsException early) {
          throw new AssertionError(where + "the line ends early", early);
        }
        family = familyOf(sample.name(), exposition.types);
        if (!exposition.types.containsKey(family)) {
          throw new AssertionError(where + "sample before the TYPE of its family");
        }
        if (!series.add(sample.name() + new TreeMap<>(sample.labels()))) {
          throw new AssertionError(where + "duplicate series");
        }
        exposition.samples.add(sample);
      }
      if (!family.equals(current)) {
        if (finished.contains(family)) {
          throw new AssertionError(where + "family " + family + " is not contiguous");
        }
        if (current != null) {
          finished.add(current);
        }
        current = family;
      }
    }
    exposition.lint();
    return exposition;
  }

  List<Sample> samples() {
    return samples;
  }

  String type(String family) {
    return types.get(family);
  }

  /** Every family's name and type, in the order they came. */
  Map<String, String> families() {
    return Map.copyOf(types);
  }

  /** The label names of the samples of {@code family} (its {@code _count}, ... included). */
  Set<Set<String>> labelNames(String family) {
    return samples.stream()
        .filter(s -> familyOf(s.name(), types).equals(family))
        .map(s -> s.labels().keySet())
        .collect(Collectors.toSet());
  }

  /** The value of the one sample with exactly these labels (name, value, ...); fails if none. */
  double value(String name, String... labels) {
    Map<String, String> wanted = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(wanted))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + name + wanted + " in " + samples))
        .value();
  }

  private void lint() {
    for (Map.Entry<String, String> family : types.entrySet()) {
      String name = family.getKey();
      if (!helps.containsKey(name) || helps.get(name).isBlank()) {
        throw new AssertionError(name + " has no help text");
      }
      if (family.getValue().equals("counter") && !name.endsWith("_total")) {
        throw new AssertionError(name + ": a counter's name should end in _total");
      }
      if (family.getValue().equals("histogram")) {
        lintHistogram(name);
      }
    }
  }

  private void lintHistogram(String name) {
    Map<Map<String, String>, TreeMap<Double, Double>> buckets = new HashMap<>();
    for (Sample sample : samples) {
      if (sample.name().equals(name + "_bucket")) {
        Map<String, String> rest = new HashMap<>(sample.labels());
        String le = rest.remove("le");
        if (le == null || !FLOAT.matcher(le).matches()) {
          throw new AssertionError(name + "_bucket without a numeric le: " + sample);
        }
        buckets.computeIfAbsent(rest, k -> new TreeMap<>()).put(parseFloat(le), sample.value());
      }
    }
    buckets.forEach(
        (labels, byBound) -> {
          double previous = 0;
          for (double count : byBound.values()) {
            if (count < previous) {
              throw new AssertionError(name + labels + ": buckets are not cumulative " + byBound);
            }
            previous = count;
          }
          Double inf = byBound.get(Double.POSITIVE_INFINITY);
          if (inf == null) {
            throw new AssertionError(name + labels + ": no +Inf bucket");
          }
          if (inf != value(name + "_count", flatten(labels))) {
            throw new AssertionError(name + labels + ": _count differs from the +Inf bucket");
          }
          value(name + "_sum", flatten(labels));
        });
    if (buckets.isEmpty() && samples.stream().anyMatch(s -> s.name().startsWith(name + "_"))) {
      throw new AssertionError(name + ": samples without buckets");
    }
  }

  private static String[] flatten(Map<String, String> labels) {
    List<String> flat = new ArrayList<>();
    labels.forEach((k, v) -> {
      flat.add(k);
      flat.add(v);
    });
    return flat.toArray(String[]::new);
  }

  private static String familyOf(String sample, Map<String, String> types) {
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        if ("histogram".equals(types.get(base)) || "summary".equals(types.get(base))) {
          return base;
        }
      }
    }
    return sample;
  }

  private static Sample sample(String line, String where) {
    int at = 0;
    while (at < line.length() && line.charAt(at) != '{' && line.charAt(at) != ' ') {
      at++;
    }
    String name = line.substring(0, at);
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new AssertionError(where + "bad metric name");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (at < line.length() && line.charAt(at) == '{') {
      at++;
      while (line.charAt(at) != '}') {
        int equals = line.indexOf("=\"", at);
        if (equals < 0) {
          throw new AssertionError(where + "label without =\"");
        }
        String label = line.substring(at, equals);
        if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
          throw new AssertionError(where + "bad label name '" + label + "'");
        }
        StringBuilder value = new StringBuilder();
        at = equals + 2;
        for (char c = line.charAt(at); c != '"'; c = line.charAt(at)) {
          if (c == '\\') {
            char escaped = line.charAt(++at);
            switch (escaped) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new AssertionError(where + "bad escape \\" + escaped);
            }
          } else {
            value.append(c);
          }
          at++;
        }
        if (labels.put(label, value.toString()) != null) {
          throw new AssertionError(where + "label " + label + " twice");
        }
        at++;
        if (line.charAt(at) == ',') {
          at++;
        } else if (line.charAt(at) != '}') {
          throw new AssertionError(where + "',' or '}' expected");
        }
      }
      at++;
    }
    if (at >= line.length() || line.charAt(at) != ' ') {
      throw new AssertionError(where + "a space and a value expected");
    }
    String[] rest = line.substring(at + 1).split(" ", -1);
    if (rest.length > 2 || !FLOAT.matcher(rest[0]).matches()
        || (rest.length == 2 && !rest[1].matches("-?\\d+"))) {
      throw new AssertionError(where + "bad value or timestamp");
    }
    return new Sample(name, labels, parseFloat(rest[0]));
  }

  private static double parseFloat(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN", "+NaN", "-NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  private static String unescapeHelp(String text, String where) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        char escaped = i + 1 < text.length() ? text.charAt(++i) : ' ';
        switch (escaped) {
          case '\\' -> out.append('\\');
          case 'n' -> out.append('\n');
          default -> throw new AssertionError(where + "bad escape in help");
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
