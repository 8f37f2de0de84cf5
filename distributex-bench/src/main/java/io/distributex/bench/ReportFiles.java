package io.distributex.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes a run's {@link Report} as {@code bench.md} (the table as Markdown, under what ran it and
 * on what) and {@code bench.json} (the same, one object per measure with its rows).
 */
final class ReportFiles {
  /**
   * What ran, where and for how long.
   *
   * @param command the command line, as typed
   * @param quick whether it was the short run
   * @param started when the run began
   * @param wallNanos from start to the end of the last measure
   * @param machine the machine
   */
  record Run(String command, boolean quick, Instant started, long wallNanos, Machine machine) {
    String mode() {
      return quick ? "quick" : "full";
    }

    String wall() {
      return String.format(Locale.ROOT, "%.1f s", wallNanos / 1e9);
    }
  }

  private ReportFiles() {}

  /** Writes {@code bench.md} and {@code bench.json} into {@code dir} (made if missing); returns both. */
  static List<Path> write(Path dir, Run run, Report report) throws IOException {
    Files.createDirectories(dir);
    Path markdown = dir.resolve("bench.md");
    Path json = dir.resolve("bench.json");
    Files.writeString(markdown, markdown(run, report), StandardCharsets.UTF_8);
    try (Writer out = Files.newBufferedWriter(json, StandardCharsets.UTF_8);
        JsonGenerator generator = new JsonFactory().createGenerator(out)) {
      generator.useDefaultPrettyPrinter();
      json(generator, run, report);
    }
    return List.of(markdown, json);
  }

  static String markdown(Run run, Report report) {
    StringBuilder out = new StringBuilder();
    out.append("Command: `").append(run.command()).append("` (").append(run.mode()).append(" run, ")
        .append(run.wall()).append(", started ").append(run.started()).append(")\n\n");
    out.append("Machine: ").append(run.machine().describe()).append("\n\n");
    out.append("Measures: ").append(report.outcomes().stream()
        .map(o -> o.measure() + " " + o.status().text + " (" + Stats.time(o.runNanos()) + ")")
        .collect(Collectors.joining(", "))).append(".\n\n");
    out.append("| measure | figure | value |\n|---|---|---|\n");
    for (Report.Row row : report.rows()) {
      out.append("| ").append(cell(row.measure())).append(" | ").append(cell(row.figure())).append(" | ")
          .append(cell(row.value())).append(" |\n");
    }
    return out.toString();
  }

  private static void json(JsonGenerator out, Run run, Report report) throws IOException {
    out.writeStartObject();
    out.writeStringField("command", run.command());
    out.writeStringField("mode", run.mode());
    out.writeStringField("started", run.started().toString());
    out.writeNumberField("wallSeconds", Math.round(run.wallNanos() / 1e8) / 10.0);
    out.writeBooleanField("failed", report.failed());
    Machine machine = run.machine();
    out.writeObjectFieldStart("machine");
    out.writeNumberField("cores", machine.cores());
    out.writeNumberField("memoryBytes", machine.memoryBytes());
    out.writeStringField("memory", machine.memory());
    out.writeStringField("cpu", machine.cpu());
    out.writeStringField("jdk", machine.jdk());
    out.writeStringField("os", machine.os());
    out.writeEndObject();
    out.writeArrayFieldStart("measures");
    List<Report.Row> rows = report.rows();
    for (Report.Outcome outcome : report.outcomes()) {
      out.writeStartObject();
      out.writeStringField("name", outcome.measure());
      out.writeStringField("status", outcome.status().text);
      out.writeNumberField("runSeconds", Math.round(outcome.runNanos() / 1e7) / 100.0);
      out.writeArrayFieldStart("figures");
      for (Report.Row row : rows) {
        if (row.measure().equals(outcome.measure())) {
          out.writeStartObject();
          out.writeStringField("figure", row.figure());
          out.writeStringField("value", row.value());
          if (row.failed()) {
            out.writeBooleanField("failed", true);
          }
          out.writeEndObject();
        }
      }
      out.writeEndArray();
      out.writeEndObject();
    }
    out.writeEndArray();
    out.writeEndObject();
  }

  /** A Markdown table cell: pipes escaped, no line breaks. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace('\n', ' ');
  }
}
