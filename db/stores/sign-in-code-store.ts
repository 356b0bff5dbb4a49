import type { Knex } from 'knex';
import type { SignInCodeStore } from '../../core/ports';
import { date } from '../rows';

/** One-time sign-in codes and the attempts the sign-in limits count (migration 015). */
export function createSignInCodeStore(knex: Knex): SignInCodeStore {
  return {
    async put(c, at) {
      // One statement on both engines: a concurrent second request for the same address replaces
      // the first one's code instead of failing on the unique key.
      await knex('sign_in_codes')
        .insert({
          address_hash: c.addressHash,
          salt: c.salt,
          code_hash: c.codeHash,
          tries: 0,
          created_at: at.getTime(),
          expires_at: c.expiresAt.getTime(),
        })
        .onConflict('address_hash')
        .merge(['salt', 'code_hash', 'tries', 'created_at', 'expires_at']);
    },
    async find(addressHash) {
      const r = await knex('sign_in_codes').where({ address_hash: addressHash }).first();
      if (!r) return null;
      return {
        id: Number(r.id),
        addressHash: r.address_hash,
        salt: r.salt,
        codeHash: r.code_hash,
        tries: Number(r.tries),
        createdAt: date(r.created_at),
        expiresAt: date(r.expires_at),
      };
    },
    async spendTry(id, maxTries, at) {
      const n = await knex('sign_in_codes')
        .where({ id })
        .andWhere('tries', '<', maxTries)
        .andWhere('expires_at', '>', at.getTime())
        .update({ tries: knex.raw('tries + 1') });
      return n === 1;
    },
    async consume(id) {
      return (await knex('sign_in_codes').where({ id }).delete()) === 1;
    },
    async recordAttempt(a, at) {
      await knex('sign_in_attempts').insert({ kind: a.kind, address_hash: a.addressHash, client_hash: a.clientHash, at: at.getTime() });
    },
    async countAttempts(kind, by, since) {
      const q = knex('sign_in_attempts').where({ kind }).andWhere('at', '>=', since.getTime());
      if ('addressHash' in by) q.andWhere({ address_hash: by.addressHash });
      else q.andWhere({ client_hash: by.clientHash });
      const r = (await q.first(knex.raw('count(*) as n'), knex.raw('min(at) as oldest'))) as { n: unknown; oldest: unknown } | undefined;
      const oldest = r?.oldest;
      return { count: Number(r?.n ?? 0), oldest: oldest === null || oldest === undefined ? null : date(oldest) };
    },
    async removeExpired(codesBefore, attemptsBefore) {
      await knex('sign_in_codes').where('expires_at', '<', codesBefore.getTime()).delete();
      await knex('sign_in_attempts').where('at', '<', attemptsBefore.getTime()).delete();
    },
  };
}
