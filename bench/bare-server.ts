// The baseline of bench:api: a bare Express route doing one INSERT into the same database.
import express from 'express';
import { openDatabase } from '../db/knex';

const db = openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, sqliteFile: `${process.env.DATA_DIR}/bare.sqlite3` });
await db.knex.schema.dropTableIfExists('bare_tickets');
await db.knex.schema.createTable('bare_tickets', (t) => {
  t.increments('id');
  t.string('subject', 200).notNullable();
  t.text('body').notNullable();
  t.bigInteger('created_at').notNullable();
});
const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/api/v1/tickets', async (req, res) => {
  const [row] = await db
    .knex('bare_tickets')
    .insert({ subject: req.body.subject, body: req.body.body, created_at: Date.now() })
    .returning('id');
  res.status(201).json({ id: typeof row === 'object' ? row.id : row });
});
app.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
