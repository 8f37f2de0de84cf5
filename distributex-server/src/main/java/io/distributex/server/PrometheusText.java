package io.distributex.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.math.BigDecimal;

/**
 * A writer of the Prometheus text exposition format 0.0.4: each family with its {@code HELP} and
 * {@code TYPE} lines before its samples, label values escaped, every line ending in a newline.
 */
final class PrometheusText {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out = new StringBuilder(4096);

  /** Starts a family: {@code type} is counter, gauge or histogram; {@code help} one plain line. */
  PrometheusText family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  /** One sample; {@code labels} alternate names and values, which are escaped here. */
  PrometheusText sample(String name, String value, String... labels) {
    out.append(name);
    if (labels.length > 0) {
      out.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        if (i > 0) {
          out.append(',');
        }
        out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(value).append('\n');
    return this;
  }

  PrometheusText sample(String name, long value, String... labels) {
    return sample(name, Long.toString(value), labels);
  }

  /** Milliseconds as seconds, exactly: {@code 1500} is {@code 1.5}. */
  static String seconds(long millis) {
    return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }

  byte[] bytes() {
    return out.toString().getBytes(UTF_8);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
