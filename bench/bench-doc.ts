import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BENCH_DOC = path.resolve('docs/BENCHMARKS.md');

/** Median of numbers. */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Percentile (nearest rank) of numbers. */
export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

/** One line naming the machine the figures come from. */
export const machine = () =>
  `${os.cpus().length} × ${os.cpus()[0]?.model?.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, shared machine`;

/**
 * Replaces this benchmark's own section of docs/BENCHMARKS.md (between its markers), leaving
 * the others intact; creates the file when missing.
 */
export function writeSection(name: string, markdown: string) {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  let doc = fs.existsSync(BENCH_DOC)
    ? fs.readFileSync(BENCH_DOC, 'utf8')
    : '# Benchmarks\n\nProduced by `npm run bench` (or each `npm run bench:*`). Medians and ratios: the machine is shared.\n';
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  fs.mkdirSync(path.dirname(BENCH_DOC), { recursive: true });
  fs.writeFileSync(BENCH_DOC, doc);
}
