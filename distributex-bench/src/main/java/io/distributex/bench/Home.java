package io.distributex.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's root directory (where {@code bin/} is): {@code -Ddistributex.home} when set (the
 * launcher sets it), else the first directory above this code's jar or classes that has {@code
 * bin/distributex-bench}, else the working directory.
 */
final class Home {
  private Home() {}

  static Path dir() {
    String property = System.getProperty("distributex.home");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    try {
      Path code = Path.of(Home.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path dir = code.toAbsolutePath(); dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve("bin/distributex-bench"))) {
          return dir;
        }
      }
    } catch (Exception | LinkageError unknown) {
      // no code source (an unusual class loader): fall back to the working directory
    }
    return Path.of("").toAbsolutePath();
  }
}
