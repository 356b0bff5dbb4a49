import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STANDARDS } from '../../core/standards/catalogue';
import { CALENDAR_PRESETS } from '../../core/time/presets';
import { freshDatabase, TEST_ENGINE } from '../helpers/test-db';

const DIR = join(__dirname, '../../db/migrations');

/**
 * Migrations whose step computes with a domain rule (a business clock, the duration cap) rather
 * than seeding data. They may import that rule from core; none may import data (catalogues, presets).
 */
const COMPUTES_WITH_CORE = new Set(['009-fixed-figures.ts', '010-duration-caps.ts', '017-report-figures.ts']);

describe(`migrations carry their own seed data (${TEST_ENGINE})`, () => {
  it('no migration imports seed data from core/ (what it seeds is written in the migration)', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 10);
    for (const f of files) {
      const imports = readFileSync(join(DIR, f), 'utf8')
        .split('\n')
        .filter((l) => /^\s*import\b/.test(l) || /\bfrom\s+['"]/.test(l));
      const fromCore = imports.filter((l) => /['"][./]*\/core\//.test(l));
      if (COMPUTES_WITH_CORE.has(f)) {
        assert.ok(
          fromCore.every((l) => !/catalogue|presets|standards-service/.test(l)),
          `${f}: ${fromCore.join('; ')}`,
        );
      } else {
        assert.deepEqual(fromCore, [], `${f} imports from core/`);
      }
    }
  });

  it('a fresh database has a row for every catalogue standard and every calendar preset', async () => {
    const db = await freshDatabase();
    try {
      const ids = (await db.knex('standards').select('id')).map((r) => r.id as string);
      const missing = STANDARDS.map((s) => s.id).filter((id) => !ids.includes(id));
      assert.deepEqual(missing, [], 'a standard added to the catalogue needs a migration that inserts its row');
      const keys = (await db.knex('calendars').select('key')).map((r) => r.key as string);
      for (const p of CALENDAR_PRESETS) assert.ok(keys.includes(p.key), p.key);
      // The seeded rows match the code's catalogue (target and period), so the literal copy is faithful.
      const rows = new Map((await db.knex('standards').select('id', 'target', 'period')).map((r) => [r.id as string, r]));
      for (const s of STANDARDS) assert.deepEqual([Number(rows.get(s.id)!.target), rows.get(s.id)!.period], [s.target, s.period], s.id);
      for (const p of CALENDAR_PRESETS) {
        const row = await db.knex('calendars').where({ key: p.key }).first();
        assert.deepEqual(
          [row.name, row.timezone, JSON.parse(row.hours), JSON.parse(row.holiday_sets)],
          [p.name, p.timezone, p.hours, p.holiday_sets],
          p.key,
        );
      }
    } finally {
      await db.drop();
    }
  });
});
