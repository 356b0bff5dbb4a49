import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import nodemailer from 'nodemailer';
import { renderMail } from './templates/render';
import { createMailTransport } from './workers/mail/mail-transport';
const child = fork('bench/mail-bench.ts', ['--sink'], { execArgv: ['--import', 'tsx'] });
const port: number = await new Promise((r) => child.on('message', (m: any) => { if (m.type === 'ready') r(m.port); }));
const url = `smtp://127.0.0.1:${port}`;
const N = 2000;
const data = { ticketId: 1, ticketNumber: 'PQ-2026-000001', subject: '사회적기업 제품 구매 절차 문의', recipientName: '김민수', receivedAt: new Date().toISOString(), dueAt: new Date().toISOString(), priority: 'normal', category: 'general' } as const;
const r = renderMail('ticket-received', 'ko', data as any, { publicUrl: 'http://x', timezone: 'Asia/Seoul' });
async function timeit(name: string, fn: () => Promise<unknown>) { const t0 = performance.now(); await fn(); console.log(name, Math.round(N / ((performance.now() - t0) / 1000)), 'mails/s'); }
const mode = process.argv[2];
for (let round = 0; round < 2; round++) {
  { const b = nodemailer.createTransport({ pool: true, url, maxConnections: 5, maxMessages: Infinity, maxRequeues: 0 });
    await timeit('bare all-at-once', () => Promise.all(Array.from({ length: N }, (_, j) => b.sendMail({ from: 'h@x.example', to: `b${j}@x.example`, subject: r.subject, text: r.text, html: r.html, messageId: `<b${round}-${j}@x>` })))); b.close(); }
  { const b = nodemailer.createTransport({ pool: true, url, maxConnections: 5, maxMessages: Infinity, maxRequeues: 0 });
    let next = 0; await timeit('bare 8 in flight', () => Promise.all(Array.from({ length: 8 }, async () => { while (next < N) { const j = next++; await b.sendMail({ from: 'h@x.example', to: `b${j}@x.example`, subject: r.subject, text: r.text, html: r.html, messageId: `<c${round}-${j}@x>` }); } }))); b.close(); }
  { const t = createMailTransport({ smtpUrl: url, dataDir: os.tmpdir(), from: 'H <h@x.example>' });
    await timeit('transport all-at-once', () => Promise.all(Array.from({ length: N }, (_, j) => t.send({ to: `t${j}@x.example`, subject: r.subject, text: r.text, html: r.html, messageId: `<t${round}-${j}@x.example>` })))); await t.close(); }
  { const t = createMailTransport({ smtpUrl: url, dataDir: os.tmpdir(), from: 'H <h@x.example>' });
    let next = 0; await timeit('transport 8 in flight', () => Promise.all(Array.from({ length: 8 }, async () => { while (next < N) { const j = next++; await t.send({ to: `t${j}@x.example`, subject: r.subject, text: r.text, html: r.html, messageId: `<u${round}-${j}@x.example>` }); } }))); await t.close(); }
  { const t = createMailTransport({ smtpUrl: url, dataDir: os.tmpdir(), from: 'H <h@x.example>' });
    let next = 0; await timeit('transport 16 in flight', () => Promise.all(Array.from({ length: 16 }, async () => { while (next < N) { const j = next++; await t.send({ to: `t${j}@x.example`, subject: r.subject, text: r.text, html: r.html, messageId: `<v${round}-${j}@x.example>` }); } }))); await t.close(); }
}
child.kill(); process.exit(0);
