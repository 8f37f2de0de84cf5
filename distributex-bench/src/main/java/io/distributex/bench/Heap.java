package io.distributex.bench;

import java.io.IOException;

/**
 * What a {@link BenchServer} answered to {@code heap}.
 *
 * @param used heap bytes in use after full collections
 * @param threads live threads
 */
record Heap(long used, int threads) {
  /** Parses {@code heap USED THREADS}. */
  static Heap parse(String line) throws IOException {
    String[] words = line.trim().split(" ");
    if (words.length != 3 || !words[0].equals("heap")) {
      throw new IOException("the child answered '" + line + "' to heap");
    }
    return new Heap(Long.parseLong(words[1]), Integer.parseInt(words[2]));
  }

  /** Bytes per item of the growth from {@code before} to this, over {@code items}. */
  double perItemSince(Heap before, int items) {
    return (double) (used - before.used) / items;
  }
}
