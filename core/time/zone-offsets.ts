/**
 * Facts about a time zone's UTC offsets that business clocks ask for again and again.
 *
 * Asking the time-zone database costs ~4–8 µs per call, and callers may build a fresh clock per
 * request, so the answers are memoised here and shared by all clocks. They are fixed facts (an
 * offset at an instant never changes), so sharing them keeps the clocks pure.
 */
import type { IANAZone } from 'luxon';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
// The memos are tiny per entry; the caps only guard a long-lived process fed absurd date ranges.
const MAX_CACHED_DAYS = 50_000;
const MAX_CACHED_BLOCKS = 10_000;
/** Days per block of the offset-change memo: 52 whole weeks, so a block is sampled week by week. */
const BLOCK_DAYS = 364;

const offsetAt = (zone: IANAZone, day: number) => Math.round(zone.offset(day * DAY_MS) * MINUTE_MS);

const midnightOffsets = new Map<string, Map<number, number>>();

/** The zone's UTC offset in ms at the UTC midnight that starts day number `day` (days since 1970-01-01). */
export function midnightOffsetMs(zone: IANAZone, day: number): number {
  let memo = midnightOffsets.get(zone.name);
  if (memo === undefined) midnightOffsets.set(zone.name, (memo = new Map()));
  let o = memo.get(day);
  if (o === undefined) {
    if (memo.size >= MAX_CACHED_DAYS) memo.clear();
    o = offsetAt(zone, day);
    memo.set(day, o);
  }
  return o;
}

const changeDays = new Map<string, Map<number, readonly number[]>>();

/**
 * The days of block `b` whose local times an offset change may shift, ascending: day n is
 * shifted when the offsets at the UTC midnights n-1 … n+2 are not all equal (the clocks' test for
 * a steady day), that is n ∈ [m-1, m+1] for every m whose offset differs from that of m+1.
 *
 * Offsets are sampled once a week and only a week whose two ends differ is searched day by day,
 * so a zone is assumed never to change its offset and back within one week (the shortest real
 * excursions, Ramadan suspensions of summer time, last about a month).
 */
function blockChangeDays(zone: IANAZone, b: number): readonly number[] {
  let memo = changeDays.get(zone.name);
  if (memo === undefined) changeDays.set(zone.name, (memo = new Map()));
  let out = memo.get(b);
  if (out !== undefined) return out;
  const first = b * BLOCK_DAYS;
  const end = first + BLOCK_DAYS;
  const found = new Set<number>();
  // One week beyond each end, so that a change just outside the block still marks its days here.
  let prev = offsetAt(zone, first - 7);
  for (let w = first - 7; w < end + 7; w += 7) {
    const next = offsetAt(zone, w + 7);
    if (next !== prev) {
      for (let m = w; m < w + 7; m++) {
        if (midnightOffsetMs(zone, m) === midnightOffsetMs(zone, m + 1)) continue;
        for (let n = m - 1; n <= m + 1; n++) if (n >= first && n < end) found.add(n);
      }
    }
    prev = next;
  }
  out = [...found].sort((x, y) => x - y);
  if (memo.size >= MAX_CACHED_BLOCKS) memo.clear();
  memo.set(b, out);
  return out;
}

/** The first day in [from, to) whose local times an offset change may shift, or `to` if there is none. */
export function nextOffsetChangeDay(zone: IANAZone, from: number, to: number): number {
  for (let b = Math.floor(from / BLOCK_DAYS); b * BLOCK_DAYS < to; b++) {
    for (const n of blockChangeDays(zone, b)) {
      if (n >= to) return to;
      if (n >= from) return n;
    }
  }
  return to;
}
