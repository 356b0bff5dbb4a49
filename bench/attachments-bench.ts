// bench:attachments — uploading and downloading one file through the API (multipart, hashing,
// sniffing, fsync and rename, the row; the download with its access check) beside a bare Express
// server streaming the same bytes to and from disk, in the same run. Issue 13's aim: at least
// 50 % of the bare server's throughput both ways.
import { randomBytes } from 'node:crypto';
import { ADMIN_TOKEN, spawnServer } from './bench-env';
import { machine, median, writeSection } from './bench-doc';

const SIZE_MIB = Number(process.env.BENCH_FILE_MIB ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);

/** A PDF of `SIZE_MIB` MiB: the magic, then incompressible bytes (what a scan looks like to a disk). */
const file = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(SIZE_MIB * 2 ** 20 - 15)]);

/** Median MiB/s of `REPEATS` sequential calls of `once` (each moves the whole file). */
async function rate(once: () => Promise<void>): Promise<number> {
  await once(); // warm-up: JIT, first file of a folder, connection
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  return SIZE_MIB / (median(times) / 1000);
}

async function ours() {
  const app = await spawnServer('app/main.ts', ['--api'], { ATTACHMENT_MAX_BYTES: String(64 * 2 ** 20) });
  try {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    let last = 0;
    const up = await rate(async () => {
      const form = new FormData();
      form.append('file', new Blob([file], { type: 'application/pdf' }), '견적서.pdf');
      const r = await fetch(`${app.base}/api/v1/uploads`, { method: 'POST', headers: auth, body: form });
      if (r.status !== 201) throw new Error(`upload: ${r.status} ${await r.text()}`);
      last = ((await r.json()) as { id: number }).id;
    });
    const down = await rate(async () => {
      const r = await fetch(`${app.base}/api/v1/attachments/${last}`, { headers: auth });
      if (r.status !== 200 || (await r.arrayBuffer()).byteLength !== file.length) throw new Error(`download: ${r.status}`);
    });
    return { up, down };
  } finally {
    await app.stop();
  }
}

async function bare() {
  const b = await spawnServer('bench/bare-file-server.ts', [], {});
  try {
    let last = '';
    const up = await rate(async () => {
      const r = await fetch(`${b.base}/upload`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: file });
      last = ((await r.json()) as { id: string }).id;
    });
    const down = await rate(async () => {
      const r = await fetch(`${b.base}/files/${last}`);
      if ((await r.arrayBuffer()).byteLength !== file.length) throw new Error('bare download');
    });
    return { up, down };
  } finally {
    await b.stop();
  }
}

const runs: { ours: { up: number; down: number }; bare: { up: number; down: number } }[] = [];
for (let i = 0; i < ROUNDS; i++) runs.push({ ours: await ours(), bare: await bare() });
const m = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
const row = (what: string, o: number, b: number) =>
  `| ${what} | ${o.toFixed(0)} MiB/s | ${b.toFixed(0)} MiB/s | **${((100 * o) / b).toFixed(0)} %** | ${o / b >= 0.5 ? 'met' : 'not met'} |`;
const upOurs = m((r) => r.ours.up);
const upBare = m((r) => r.bare.up);
const downOurs = m((r) => r.ours.down);
const downBare = m((r) => r.bare.down);
const md = `## Attachments: upload and download (\`npm run bench:attachments\`)

One ${SIZE_MIB} MiB PDF (incompressible), sent ${REPEATS} times one after another after a warm-up,
median per request, median of ${ROUNDS} rounds; SQLite, the API process alone (\`app/main.ts --api\`)
beside a bare Express server in the same run (\`bench/bare-file-server.ts\`: the request body piped
to a file, the file piped to the response in 256 KiB reads as the API's storage reads it — no multipart, hashing, type sniffing, fsync, rename,
database row or access check). Client: Node's \`fetch\` on the same machine. ${machine()}; the
machine was shared with other work while it ran, so the absolute figures move between runs —
the ratio, measured in the same run, is the figure to read.

| direction | API | bare Express | API / bare | aim ≥ 50 % |
|---|---|---|---|---|
${row('upload (`POST /api/v1/uploads`, multipart)', upOurs, upBare)}
${row('download (`GET /api/v1/attachments/:id`)', downOurs, downBare)}

The upload pays for what the bare server skips: busboy's multipart parsing, SHA-256 over every
byte, the UTF-8/EUC-KR text probe (dropped at the first binary bytes), the fsync before the
rename into the content address, and one INSERT. The download adds the access check (one query
with two joins) and the headers.
`;
writeSection('attachments', md);
process.stdout.write(`${md}\n`);
