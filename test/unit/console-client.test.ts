import assert from 'node:assert/strict';
import { fillVariables } from '../../core/canned/variables';
import {
  type CannedItem,
  colonQuery,
  fillCanned,
  filterCanned,
  insertAt,
  orderForLocale,
  separated,
} from '../../server/console/client/canned-logic';
import { activityOf, presenceLines } from '../../server/console/client/presence-logic';
import { draftKey, isStale, othersMessageId, parseDraft, serializeDraft } from '../../server/console/client/reply-logic';
import { type KeyPress, moveRow, shortcutFor, shortcutsEnabled } from '../../server/console/client/shortcut-logic';

const item = (id: number, title: string, extra: Partial<CannedItem> = {}): CannedItem => ({
  id,
  title,
  body: `${title} 본문`,
  locale: 'ko',
  shortcut: null,
  ...extra,
});

describe('console client: canned responses', () => {
  const items = [
    item(1, '환불 안내', { shortcut: 'refund' }),
    item(2, 'Refund policy', { locale: 'en', shortcut: 'refund' }),
    item(3, '계약 절차', { shortcut: 'contract', body: '나라장터에서 환불 요청을 합니다' }),
    item(4, '감사 인사', { shortcut: 'thanks-re' }),
  ];

  it('puts the viewer’s language first, then orders by title', () => {
    assert.deepEqual(
      orderForLocale(items, 'ko').map((c) => c.id),
      [4, 3, 1, 2],
    );
    assert.deepEqual(
      orderForLocale(items, 'en').map((c) => c.id),
      [2, 4, 3, 1],
    );
  });

  it('searching matches title, shortcut or body, best match first; `::` looks at shortcut and title only', () => {
    const ko = orderForLocale(items, 'ko');
    assert.deepEqual(
      filterCanned(ko, '환불', 'search').map((c) => c.id),
      [1, 3],
    );
    assert.deepEqual(
      filterCanned(ko, '환불', 'shortcut').map((c) => c.id),
      [1],
    );
    assert.deepEqual(
      filterCanned(ko, 'REF', 'shortcut').map((c) => c.id),
      [1, 2],
      'case folded; shortcut prefix',
    );
    assert.deepEqual(
      filterCanned(ko, 're', 'shortcut').map((c) => c.id),
      [1, 2, 4],
      'a shortcut containing the letters comes after those starting with them',
    );
    assert.deepEqual(
      filterCanned(ko, '  ', 'search').map((c) => c.id),
      ko.map((c) => c.id),
    );
    assert.deepEqual(filterCanned(ko, 'zzz', 'search'), []);
  });

  it('`::` opens the list at the start of a word, with the letters typed after it', () => {
    assert.deepEqual(colonQuery('::', 2), { start: 0, query: '' });
    assert.deepEqual(colonQuery('안녕하세요 ::ref', 11), { start: 6, query: 'ref' });
    assert.deepEqual(colonQuery('줄\n::환불', 6), { start: 2, query: '환불' });
    assert.equal(colonQuery('std::vector', 11), null, 'not inside a word');
    assert.equal(colonQuery('::ref 다음', 9), null, 'a space ends it');
    assert.deepEqual(colonQuery('::ref 다음', 5), { start: 0, query: 'ref' }, 'the caret decides');
  });

  it('fills the variables in the response’s language (Korean time) and keeps what it cannot fill', () => {
    const facts = { number: 'PQ-2026-000123', requesterName: '홍길동', dueAt: '2026-12-02T06:00:00Z' };
    assert.equal(
      fillCanned({ body: '{{requester.name}}님, {{ ticket.number }} 문의는 {{sla.due_at}}까지 답변드립니다.', locale: 'ko' }, facts),
      '홍길동님, PQ-2026-000123 문의는 12월 2일 (수) 오후 3:00까지 답변드립니다.',
    );
    assert.equal(fillCanned({ body: 'Due {{sla.due_at}}', locale: 'en' }, facts), 'Due Wed 2 Dec, 3:00 PM');
    assert.equal(
      fillCanned({ body: '{{requester.name}} / {{sla.due_at}}', locale: 'ko' }, { number: 'PQ-1' }),
      '{{requester.name}} / {{sla.due_at}}',
    );
    // A value is inserted as written, `$&` and all.
    assert.equal(fillVariables('{{requester.name}}', { 'requester.name': '$& $1' }), '$& $1');
    assert.equal(fillVariables('{{ticket.subject}}', { 'ticket.number': 'x' }), '{{ticket.subject}}');
  });

  it('inserts at the caret or in place of the `::word`', () => {
    assert.deepEqual(insertAt('안녕하세요. 감사합니다.', 7, 7, '본문 '), { value: '안녕하세요. 본문 감사합니다.', caret: 10 });
    const text = '안녕하세요 ::ref';
    const q = colonQuery(text, text.length)!;
    assert.deepEqual(insertAt(text, q.start, text.length, '환불 안내'), { value: '안녕하세요 환불 안내', caret: 11 });
    assert.equal(separated('안녕하세요', 5, '본문'), '\n본문', 'from the picker, after a word: a new line');
    assert.equal(separated('안녕하세요\n', 6, '본문'), '본문');
    assert.equal(separated('', 0, '본문'), '본문');
  });
});

describe('console client: keyboard shortcuts', () => {
  const key = (k: string, extra: Partial<KeyPress> = {}): KeyPress => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    isComposing: false,
    inField: false,
    ...extra,
  });

  it('maps j, k, r, n and ? to their actions', () => {
    assert.deepEqual(
      ['j', 'k', 'r', 'n', '?', 'x', 'J', 'Enter'].map((k) => shortcutFor(key(k), true)),
      ['next', 'prev', 'reply', 'new', 'help', null, null, null],
    );
  });

  it('ignores keys in fields, during IME composition, with modifiers, and when switched off', () => {
    assert.equal(shortcutFor(key('j', { inField: true }), true), null);
    assert.equal(shortcutFor(key('j', { isComposing: true }), true), null);
    assert.equal(shortcutFor(key('j', { keyCode: 229 }), true), null);
    assert.equal(shortcutFor(key('r', { ctrlKey: true }), true), null);
    assert.equal(shortcutFor(key('n', { metaKey: true }), true), null);
    assert.equal(shortcutFor(key('k', { altKey: true }), true), null);
    assert.equal(shortcutFor(key('j'), false), null);
    assert.equal(shortcutsEnabled('off'), false);
    assert.equal(shortcutsEnabled(null), true);
    assert.equal(shortcutsEnabled('on'), true);
  });

  it('moves through the rows without leaving the list', () => {
    assert.equal(moveRow(-1, 3, 'next'), 0);
    assert.equal(moveRow(-1, 3, 'prev'), 2);
    assert.equal(moveRow(0, 3, 'next'), 1);
    assert.equal(moveRow(2, 3, 'next'), 2);
    assert.equal(moveRow(0, 3, 'prev'), 0);
    assert.equal(moveRow(-1, 0, 'next'), -1);
  });
});

describe('console client: presence, drafts and the stale guard', () => {
  it('tells `replying` while a reply is written, `viewing` otherwise', () => {
    assert.equal(activityOf({ hasText: false, focused: true, msSinceInput: 0 }), 'viewing');
    assert.equal(activityOf({ hasText: true, focused: true, msSinceInput: 60_000 }), 'replying');
    assert.equal(activityOf({ hasText: true, focused: false, msSinceInput: 14_000 }), 'replying');
    assert.equal(activityOf({ hasText: true, focused: false, msSinceInput: 16_000 }), 'viewing');
  });

  it('writes the collision notice by name, in Korean or English', () => {
    const items = [
      { user: { id: 2, name: '이상담' }, activity: 'replying' as const, since: '' },
      { user: { id: 3, name: 'Kim' }, activity: 'viewing' as const, since: '' },
    ];
    assert.deepEqual(presenceLines(items, 'ko'), ['이상담 님이 답변을 작성하고 있습니다', 'Kim 님이 보고 있습니다']);
    assert.deepEqual(presenceLines(items, 'en'), ['이상담 is replying', 'Kim is viewing']);
  });

  it('stores drafts with their time and reads back older plain ones', () => {
    assert.equal(draftKey(42), 'draft:42');
    assert.deepEqual(parseDraft(serializeDraft('초안', 5)), { body: '초안', at: 5 });
    assert.deepEqual(parseDraft('plain text'), { body: 'plain text', at: 0 });
    assert.equal(parseDraft(null), null);
    assert.equal(parseDraft(serializeDraft('', 5)), null);
  });

  it('counts only other people’s new messages as making a reply stale', () => {
    const ev = (actor: number, id: unknown, type = 'message.created') => ({ type, actor: { id: actor }, data: { message_id: id } });
    assert.equal(othersMessageId(ev(7, 88), 5), 88);
    assert.equal(othersMessageId(ev(5, 88), 5), 0, 'my own message');
    assert.equal(othersMessageId(ev(7, 88, 'ticket.assigned'), 5), 0);
    assert.equal(othersMessageId({ type: 'message.created', actor: null, data: { message_id: 9 } }, 5), 9);
    assert.equal(othersMessageId(ev(7, '88'), 5), 0);
    assert.equal(isStale(87, 88), true);
    assert.equal(isStale(88, 88), false);
    assert.equal(isStale(0, 0), false);
  });
});
