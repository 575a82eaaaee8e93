/**
 * A staff reply's delivery status, through the real outbound queue and worker on real Redis:
 * queued when staff send it, sent once the person's channel took it, undeliverable with the
 * channel's reason when it gives up – sealed beside the message, shown with it, gone with the case.
 */
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../../src/adapters/channel.ts';
import type { App } from '../../src/app.ts';
import { Translator } from '../../src/bot/i18n.ts';
import type { InboundEvent, OutboundMessage } from '../../src/bot/types.ts';
import { caseDocument } from '../../src/staff/case-document.ts';
import { deliveryReason } from '../../src/staff/delivery.ts';
import type { CaseDetails } from '../../src/staff/ports.ts';
import { everythingUnder, keysUnder } from '../support/redis.ts';
import { submitCase, useStaffApp } from '../support/staff-cases.ts';
import { until } from '../support/wait.ts';

const { redis, keys, start } = useStaffApp('delivery');
const anna = { id: 'anna', name: 'anna' };

/** The person's console chat; it holds deliveries back until released, or refuses them. */
class PersonChannel implements ChannelAdapter {
  readonly platform = 'console' as const;
  readonly texts: string[] = [];
  /** Deliveries wait for this while it is set. */
  hold: Promise<void> | undefined;
  /** Set: every delivery fails for good with this channel answer. */
  refuse: string | undefined;
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  async deliver(_event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    await this.hold;
    if (this.refuse !== undefined) throw new UnrecoverableError(this.refuse);
    for (const m of messages) this.texts.push(m.text);
  }
}

async function setup() {
  const channel = new PersonChannel();
  const app = await start([channel]);
  const caseRef = await submitCase(app, keys.publicKey, {
    platform: 'console',
    userId: 'p1',
    chatId: 'p1',
  });
  expect((await app.desk.claim(anna, caseRef)).ok).toBe(true);
  return { app, channel, caseRef };
}

async function staffReplies(a: App, caseRef: string): Promise<CaseDetails['messages']> {
  const shown = await a.desk.show(anna, caseRef);
  if (!shown.ok) throw new Error(`show refused: ${shown.reason}`);
  return shown.value.messages.filter((m) => m.from === 'staff');
}

describe('reply delivery status', () => {
  it('goes from queued to sent as the outbound worker delivers, sealed in Redis', async () => {
    const { app: a, channel, caseRef } = await setup();
    let release = (): void => undefined;
    channel.hold = new Promise((resolve) => (release = resolve));
    expect((await a.desk.reply(anna, caseRef, 'Wir rufen Sie morgen an.')).ok).toBe(true);
    const [queued] = await staffReplies(a, caseRef);
    expect(queued).toMatchObject({ text: 'Wir rufen Sie morgen an.', by: 'anna' });
    expect(queued?.delivery?.status).toBe('queued');

    release();
    await until(async () => (await staffReplies(a, caseRef))[0]?.delivery?.status === 'sent');
    expect(channel.texts.some((x) => x.includes('Wir rufen Sie morgen an.'))).toBe(true);
    const [sent] = await staffReplies(a, caseRef);
    expect(Date.parse(sent?.delivery?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(queued!.at));
    // A second reply has a status of its own.
    expect((await a.desk.reply(anna, caseRef, 'Noch eine Frage.')).ok).toBe(true);
    await until(async () => (await staffReplies(a, caseRef))[1]?.delivery?.status === 'sent');
    expect((await staffReplies(a, caseRef)).map((m) => m.delivery?.status)).toEqual([
      'sent',
      'sent',
    ]);
    // Sealed like the message: neither the words nor the status are readable in Redis.
    const stored = await everythingUnder(redis.client, redis.prefix);
    expect(stored).not.toContain('"sent"');
    expect(stored).not.toContain('morgen an');
  });

  it('becomes undeliverable with the channel’s reason, told to staff and shown with the reply', async () => {
    const { app: a, channel, caseRef } = await setup();
    const notices: string[] = [];
    a.notifier.add({
      name: 'recording',
      notify: (notice) => Promise.resolve(void notices.push(notice.kind)),
    });
    channel.refuse = 'Forbidden: bot was blocked by the user\u202e\u0007';
    expect((await a.desk.reply(anna, caseRef, 'Sind Sie noch da?')).ok).toBe(true);
    await until(
      async () => (await staffReplies(a, caseRef))[0]?.delivery?.status === 'undeliverable',
    );
    const [reply] = await staffReplies(a, caseRef);
    expect(reply?.delivery?.reason).toBe('Forbidden: bot was blocked by the user');
    await until(() => notices.includes('undeliverable'));
    const shown = await a.desk.show(anna, caseRef);
    if (!shown.ok) throw new Error(shown.reason);
    const document = caseDocument(shown.value, 'de', Translator.create());
    expect(document).toContain('Sind Sie noch da? [nicht zustellbar: Forbidden: bot was blocked');
  });

  it('is erased with the case, and a late status brings nothing back', async () => {
    const { app: a, caseRef } = await setup();
    expect((await a.desk.reply(anna, caseRef, 'Hallo')).ok).toBe(true);
    await until(async () => (await staffReplies(a, caseRef))[0]?.delivery?.status === 'sent');
    expect((await a.desk.eraseNow(anna, caseRef)).ok).toBe(true);
    expect(await a.cases.setDelivery(caseRef, 'late', 'box', true)).toBe(false);
    expect(
      (await keysUnder(redis.client, redis.prefix)).filter((k) => k.includes(caseRef)),
    ).toEqual([]);
  });

  it('keeps reasons printable, on one line and short', () => {
    expect(deliveryReason('a\u0000b\u202ec\n\nd')).toBe('a b c d');
    expect(deliveryReason('x'.repeat(1000))).toHaveLength(300);
  });
});
