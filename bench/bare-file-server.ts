// The baseline of bench:attachments: a bare Express server that streams a request body to a file
// and a file to a response, nothing else (no parsing, hashing, sniffing, fsync or database).
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import express from 'express';

const dir = path.join(process.env.DATA_DIR!, 'bare-files');
fs.mkdirSync(dir, { recursive: true });
const app = express();
app.post('/upload', async (req, res) => {
  const name = randomBytes(8).toString('hex');
  await pipeline(req, fs.createWriteStream(path.join(dir, name), { mode: 0o600 }));
  res.status(201).json({ id: name });
});
app.get('/files/:name', async (req, res) => {
  const file = path.join(dir, path.basename(req.params.name));
  res.set({ 'content-type': 'application/pdf', 'content-length': String(fs.statSync(file).size) });
  // The same read size as the API's blob storage, so only the work around the bytes differs.
  await pipeline(fs.createReadStream(file, { highWaterMark: 256 * 1024 }), res);
});
app.get('/healthz', (_req, res) => void res.status(200).end());
app.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
