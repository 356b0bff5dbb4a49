/**
 * Held mail (issue 13): a mail whose From failed DMARC, delivered to the product's LMTP intake as a
 * site's mail server would, waits on `/inbound`; an agent reads it there, accepts it as a new
 * inquiry and lands on the new ticket. A second one is discarded after the browser's confirmation.
 */
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { expectAccessible } from './a11y';
import { expect, type Product, test } from './fixtures';
import { saveScreenshots } from './screenshots';

/** Delivers one mail over LMTP, claiming (in the receiving server's header) that DMARC failed for its From. */
async function deliverFailingDmarc(product: Product, from: string, subject: string, text: string): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: product.inboundPort,
    lmtp: true,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const domain = from.slice(from.indexOf('@') + 1);
    await transport.sendMail({
      from,
      to: 'helpdesk@agency.example',
      subject,
      text,
      messageId: `<held-${randomBytes(6).toString('hex')}@${domain}>`,
      headers: {
        'Authentication-Results': `mx.agency.example; spf=fail smtp.mailfrom=${domain}; dmarc=fail (p=REJECT) header.from=${domain}`,
      },
    });
  } finally {
    transport.close();
  }
}

test('an agent accepts a held mail on /inbound and lands on the new inquiry; discards another', async ({ product, openAs }) => {
  const { agent1, officerA } = product.people;
  const tag = randomBytes(3).toString('hex');
  const subject = `계약 보증금 계좌 변경 안내 ${tag}`;
  const other = `광고: 조달 컨설팅 ${tag}`;
  await deliverFailingDmarc(product, officerA.email, subject, '계약 보증금 입금 계좌가 변경되었습니다. 아래 계좌로 보내 주세요.');
  await deliverFailingDmarc(product, officerA.email, other, '지금 신청하시면 할인해 드립니다.');

  const page = await openAs(agent1);
  await test.step('the menu leads to /inbound, where the held mail waits with its reason', async () => {
    await page.goto('/tickets');
    await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '받은 메일' }).click();
    await expect(page).toHaveURL(/\/inbound$/);
    await expect(page.getByRole('heading', { level: 1, name: '받은 메일' })).toBeVisible();
    const card = page.getByRole('article', { name: subject });
    await expect(card).toBeVisible();
    // The reason in Korean (by its code); the intake's English record is folded under it.
    await expect(card).toContainText('DMARC 검증에 실패했습니다');
    await expect(card.getByText(/^dmarc_failed: DMARC failed/)).toBeHidden();
    await card.getByText('기록된 내용').click();
    await expect(card.getByText(/^dmarc_failed: DMARC failed/)).toBeVisible();
    await expect(card).toContainText(officerA.email);
    await expect(card.getByRole('link', { name: '원문 보기' })).toHaveAttribute('href', /\/api\/v1\/inbound\/\d+\/original$/);
    await expectAccessible(page, '/inbound');
    await saveScreenshots(page, 'inbound');
  });

  await test.step('버리기 asks first, then the card says it is gone', async () => {
    const card = page.getByRole('article', { name: other });
    page.once('dialog', (d) => void d.accept());
    await card.getByRole('button', { name: '버리기' }).click();
    await expect(page.locator('#inbound-notice').getByText(/메일 \d+번을 버렸습니다/)).toBeVisible();
    await expect(page.getByRole('article', { name: other })).toHaveCount(0);
  });

  await test.step('the list is live: a mail held meanwhile appears, one discarded elsewhere goes, without a reload', async () => {
    const late = `입찰 서류 재제출 ${tag}`;
    await deliverFailingDmarc(product, officerA.email, late, '서류를 다시 보내 드립니다.');
    const card = page.getByRole('article', { name: late });
    await expect(card).toBeVisible();
    // What was typed in another card's field is not lost to the refresh.
    const field = page.getByRole('article', { name: subject }).getByLabel('문의 번호');
    await field.fill('PQ-2026-');
    // Decided by an admin through the API (another person, another page): the card goes.
    const api = product.api(product.admin);
    const held = await api.get<{ items: { id: number; subject: string }[] }>('/api/v1/inbound?outcome=held');
    const id = held.body.items.find((m) => m.subject === late)!.id;
    expect((await api.post(`/api/v1/inbound/${id}/discard`, {})).status).toBe(200);
    await field.fill('');
    await field.blur();
    await expect(card).toHaveCount(0);
    await expect(page.getByRole('article', { name: subject })).toBeVisible();
  });

  await test.step('받아들이기 with no number makes a new inquiry and opens it', async () => {
    const card = page.getByRole('article', { name: subject });
    await expect(card.getByLabel('문의 번호')).toHaveValue('');
    await card.getByRole('button', { name: '받아들이기' }).click();
    await page.waitForURL(/\/tickets\/\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(subject);
    await expect(page.getByText('계약 보증금 입금 계좌가 변경되었습니다.').first()).toBeVisible();
  });

  await test.step('the mail is no longer held', async () => {
    await page.goto('/inbound');
    await expect(page.getByRole('article', { name: subject })).toHaveCount(0);
  });
});
