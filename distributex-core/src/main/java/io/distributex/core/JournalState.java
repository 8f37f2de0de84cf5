package io.distributex.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a journal's records add up to: the live holds of every pool, the slots closed by
 * lock-delay, and the largest token ever written. Recovery replays the file into one; the
 * journal keeps one up to date as it writes, and compaction writes it out as the new file.
 */
final class JournalState {
  private final Map<String, Map<String, JournalRecord.Held>> holds = new LinkedHashMap<>();
  private final Map<String, List<Long>> closed = new LinkedHashMap<>();
  private long maxToken;
  private int records;

  synchronized void apply(JournalRecord record) {
    records++;
    if (record instanceof JournalRecord.Held held) {
      holds.computeIfAbsent(held.pool(), pool -> new LinkedHashMap<>()).put(held.host(), held);
      maxToken = Math.max(maxToken, held.token());
    } else if (record instanceof JournalRecord.Ended ended) {
      Map<String, JournalRecord.Held> pool = holds.get(ended.pool());
      JournalRecord.Held held = pool == null ? null : pool.get(ended.host());
      if (held != null && held.token() == ended.token()) {
        pool.remove(ended.host());
      }
    } else if (record instanceof JournalRecord.Closed slot) {
      closed.computeIfAbsent(slot.pool(), pool -> new ArrayList<>()).add(slot.until());
    } else if (record instanceof JournalRecord.TokenFloor floor) {
      maxToken = Math.max(maxToken, floor.token());
    }
  }

  /** The live holds of {@code pool}, in the order they were granted. */
  synchronized List<JournalRecord.Held> holds(String pool) {
    return List.copyOf(holds.getOrDefault(pool, Map.of()).values());
  }

  /** The times the closed slots of {@code pool} open again. */
  synchronized List<Long> closedUntil(String pool) {
    return List.copyOf(closed.getOrDefault(pool, List.of()));
  }

  /** The pools that have holds or closed slots. */
  synchronized List<String> pools() {
    List<String> names = new ArrayList<>(holds.keySet());
    closed.keySet().stream().filter(name -> !names.contains(name)).forEach(names::add);
    return names;
  }

  synchronized long maxToken() {
    return maxToken;
  }

  /** How many records were applied: the file's length in records, for compaction. */
  synchronized int records() {
    return records;
  }

  /** The fewest records that say the same, closures that ended before {@code now} left out. */
  synchronized List<JournalRecord> compacted(long now) {
    List<JournalRecord> out = new ArrayList<>();
    out.add(new JournalRecord.TokenFloor(maxToken));
    closed.forEach(
        (pool, untils) ->
            untils.stream().filter(until -> until > now).forEach(until -> out.add(new JournalRecord.Closed(pool, until))));
    holds.values().forEach(byHost -> out.addAll(byHost.values()));
    return out;
  }

  /** Starts counting records again, after compaction wrote {@code written} of them. */
  synchronized void compactedTo(int written, long now) {
    records = written;
    closed.values().forEach(untils -> untils.removeIf(until -> until <= now));
    closed.values().removeIf(List::isEmpty);
    holds.values().removeIf(Map::isEmpty);
  }
}
