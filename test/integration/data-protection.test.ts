import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openDatabase } from '../../db/knex';
import { migrateLatest } from '../../db/migrate';
import { createMailTransport } from '../../workers/mail/mail-transport';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';

/** What a pino logger writes for `{ err }`, as production logs it. */
function logged(err: unknown): string {
  const lines: string[] = [];
  pino(
    { level: 'error' },
    {
      write: (l: string) => {
        lines.push(l);
      },
    },
  ).error({ err }, 'query failed');
  return lines.join('');
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe(`database errors in the log: the statement and the code, never the values (${TEST_ENGINE})`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  before(async () => {
    db = await freshDatabase();
  });
  after(() => db.drop());

  const secret = `SECRET-BODY-${randomBytes(6).toString('hex')}`;
  // ticket_id is NOT NULL: PostgreSQL's detail would show the whole failing row, knex's message the bound values.
  const bad = { ticket_id: null, author_id: 1, body: `민원 본문 ${secret}`, internal: false, created_at: Date.now() };
  const code = TEST_ENGINE === 'pg' ? '23502' : 'SQLITE_CONSTRAINT_NOTNULL';

  it('a failed insert logs the statement with placeholders and the error code', async () => {
    const err = await db
      .knex('messages')
      .insert(bad)
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(err instanceof Error);
    const line = logged(err);
    assert.ok(!line.includes(secret), line);
    assert.match(line, /insert into .{1,2}messages.{1,2} \(/);
    assert.ok(line.includes(code), line);
  });

  it('inside a transaction too', async () => {
    const err = await db.knex
      .transaction((trx) => trx('messages').insert(bad))
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(err instanceof Error);
    const line = logged(err);
    assert.ok(!line.includes(secret), line);
    assert.ok(line.includes(code), line);
  });
});

describe('files under DATA_DIR are readable by this account only', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-modes-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('the SQLite directory is 0700 and the database, -wal and -shm files 0600', async () => {
    const dir = path.join(root, 'data');
    const file = path.join(dir, 'helpdesk.sqlite3');
    const db = openDatabase({ sqliteFile: file });
    try {
      await migrateLatest(db.knex);
      await db
        .knex('users')
        .insert({ email: 'a@b.kr', name: 'a', role: 'admin', token_hash: 'x'.repeat(64), created_at: 1, updated_at: 1 });
      assert.equal(mode(dir), 0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(mode(f), 0o600, f);
    } finally {
      await db.knex.destroy();
    }
  });

  it('a database file left world-readable by an older version is tightened when opened', async () => {
    const file = path.join(root, 'old.sqlite3');
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o644);
    const db = openDatabase({ sqliteFile: file });
    await db.knex.raw('select 1');
    await db.knex.destroy();
    assert.equal(mode(file), 0o600);
  });

  it('.eml files are 0600 in a 0700 mail directory', async () => {
    const transport = createMailTransport({ dataDir: root, from: 'Helpdesk <helpdesk@example.go.kr>' });
    try {
      await transport.send({
        to: 'officer@city.go.kr',
        subject: '접수',
        text: '본문',
        html: '<p>본문</p>',
        messageId: '<mode-test@example.go.kr>',
      });
    } finally {
      await transport.close();
    }
    const dir = path.join(root, 'mail');
    assert.equal(mode(dir), 0o700);
    const files = fs.readdirSync(dir);
    assert.equal(files.length, 1);
    assert.equal(mode(path.join(dir, files[0]!)), 0o600);
  });
});
