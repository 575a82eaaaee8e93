/**
 * The Telegram channel end to end: telegram-test-api over real HTTP, the real engine and flows,
 * the real Redis. See harness.ts for what fills the emulator's gaps.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { newCaseRef, parseCaseRef } from '../../../src/bot/case-ref.ts';
import { keysUnder, useTestRedis } from '../../support/redis.ts';
import { eventually } from '../../support/wait.ts';
import { REPORTS_QUEUE } from '../../../src/queue/reports-queue.ts';
import { createFlowRegistry } from '../../../src/flows/index.ts';
import { StartupError } from '../../../src/infra/redis/connect.ts';
import { TelegramChannel } from '../../../src/adapters/telegram/telegram-channel.ts';
import { createLogger } from '../../../src/bot/logger.ts';
import type { Transformer } from '../../../src/adapters/telegram/telegram-channel.ts';
import { FakeDesk, TelegramHarness, toEvidence, TOKEN, type HarnessOptions } from './harness.ts';

const redis = useTestRedis('tg');
let h: TelegramHarness | undefined;
let queue: Queue | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
  await queue?.close();
  queue = undefined;
});

async function start(options: Partial<HarnessOptions> = {}): Promise<TelegramHarness> {
  h = await TelegramHarness.start({ redis: redis.client, prefix: redis.prefix, ...options });
  return h;
}

const t = (key: string, params?: Record<string, string | number>) =>
  (h ?? failNoHarness()).i18n.t('de', { key, ...(params ? { params } : {}) });
/** The evidence status with its counts in plural forms. */
const evidenceStatus = (files: number, links: number) =>
  (h ?? failNoHarness()).i18n.t('de', {
    key: 'intake:evidence.status',
    params: {
      files: { key: 'intake:count.files', params: { count: files } },
      links: { key: 'intake:count.links', params: { count: links } },
    },
  });
const tEn = (key: string) => (h ?? failNoHarness()).i18n.t('en', { key });
function failNoHarness(): never {
  throw new Error('no harness');
}

describe('Telegram channel', () => {
  it('runs a full intake with button taps and typed answers and queues one report', async () => {
    await start();
    const anna = h!.user({ userId: 201 });
    await toEvidence(anna);
    expect((await anna.lastQuestion()).text).toBe(t('intake:evidence.prompt'));
    await anna.send('https://example.org/screenshot');
    await anna.send('Fertig'); // the "done" shortcut, typed
    await anna.tap('known');
    await anna.tap('no'); // police
    await anna.tap('no'); // family
    await anna.send('2'); // help: a multi answered by typing
    await anna.tap('chat');
    await anna.tap('remind');
    const summary = await anna.lastQuestion();
    expect(summary.text).toContain('MARKER-4711');
    expect(summary.options.map((o) => o.id)).toEqual(['send', 'edit', 'discard']);
    await anna.tap('send');

    const messages = await anna.messages();
    const confirmation = messages.find((m) =>
      m.text.includes(t('intake:submitted.text', { caseRef: 'X' }).split('\n')[0]!),
    );
    expect(confirmation).toBeDefined();
    const caseRef = /([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-\S)/.exec(confirmation!.text)?.[1] ?? '';
    expect(parseCaseRef(caseRef)).toBe(caseRef);

    // The tapped summary shows the choice and has no buttons left; a second tap changes nothing.
    const tapped = messages.find((m) => m.text.startsWith(summary.text.slice(0, 40)))!;
    expect(tapped.text).toMatch(/→ Absenden|→ .+$/);
    expect(tapped.buttons).toEqual([]);

    // The several-choice question kept its marks until "done" and shows both choices.
    const kinds = messages.find((m) => m.text.includes(t('intake:kinds.prompt')))!;
    expect(kinds.text).toContain(
      `→ ${t('intake:kinds.options.threat')}, ${t('intake:kinds.options.hateOnline')}`,
    );
    const toggles = h!
      .callsOf('editMessageReplyMarkup')
      .filter((c) => c.payload['message_id'] === kinds.messageId);
    expect(JSON.stringify(toggles.at(-1)?.payload)).toContain(
      `✓ ${t('intake:kinds.options.hateOnline')}`,
    );

    // Every tap was answered, exactly once.
    const callbacks = h!.server.storage.userMessages.filter((u) => 'callbackQuery' in u).length;
    expect(h!.callsOf('answerCallbackQuery')).toHaveLength(callbacks);
    // Plain text: nothing the person typed can become markup.
    expect(h!.callsOf('sendMessage').every((c) => c.payload['parse_mode'] === undefined)).toBe(
      true,
    );

    queue = new Queue(REPORTS_QUEUE, {
      connection: redis.connection(),
      prefix: `${redis.prefix}:bull`,
    });
    const job = await queue.getJob(caseRef);
    expect(job?.id).toBe(caseRef);
  });

  it('registers the command menus in German, English and the default language', async () => {
    await start();
    const menus = h!.callsOf('setMyCommands').map((c) => ({
      lang: c.payload['language_code'] ?? 'default',
      commands: (c.payload['commands'] as { command: string }[]).map((x) => x.command),
    }));
    expect(menus).toContainEqual({
      lang: 'de',
      commands: expect.arrayContaining(['hilfe', 'status', 'loeschen_chat']),
    });
    expect(menus).toContainEqual({
      lang: 'en',
      commands: expect.arrayContaining(['help', 'wipe']),
    });
    expect(menus.some((m) => m.lang === 'default')).toBe(true);
  });

  it('starts in the language of the person`s Telegram', async () => {
    await start();
    const ben = h!.user({ userId: 202, languageCode: 'en-GB' });
    await ben.send('/start');
    expect((await ben.lastQuestion()).text).toBe(tEn('common:menu.prompt'));
    // The English command works as well as the German one.
    await ben.send('/hilfe');
    const help = (await ben.messages()).find((m) => m.text.includes(tEn('common:help.text')));
    expect(help).toBeDefined();
    // The help lists Telegram's own commands, /wipe among them.
    expect(help?.text).toContain(tEn('common:help.commands.telegram'));
    expect(help?.text).toContain('/wipe');
  });

  it.skipIf(createFlowRegistry().get('rights') === undefined)(
    'answers a rights question, typed and tapped (runs once the rights flow is registered)',
    async () => {
      await start();
      const clara = h!.user({ userId: 203 });
      await clara.send('/start');
      await clara.tap('rights');
      expect((await clara.lastQuestion()).options.map((o) => o.id)).toContain('insult');
      await clara.send('Jemand hat meine Adresse veröffentlicht');
      expect((await clara.messages()).map((m) => m.text).join('\n')).toContain(
        t('rights:topic.doxxing.title'),
      );
      await clara.tap('topics');
      await clara.tap('insult');
      expect((await clara.messages()).map((m) => m.text).join('\n')).toContain(
        t('rights:topic.insult.title'),
      );
    },
  );

  it('takes photos, documents and albums as evidence and explains refused files', async () => {
    await start();
    const dora = h!.user({ userId: 204 });
    await toEvidence(dora);
    h!.files.set('photo-small', { bytes: Buffer.from('small jpeg') });
    h!.files.set('photo-big', { bytes: Buffer.from('big jpeg bytes') });
    await dora.sendContent({
      photo: [
        { file_id: 'photo-small', file_unique_id: 's', width: 90, height: 90, file_size: 10 },
        { file_id: 'photo-big', file_unique_id: 'b', width: 1280, height: 960, file_size: 14 },
      ],
    });
    expect(h!.callsOf('getFile').map((c) => c.payload['file_id'])).toEqual(['photo-big']);
    expect((await dora.lastQuestion()).text).toContain(evidenceStatus(1, 0));

    h!.files.set('letter', { bytes: Buffer.from('%PDF-1.7 letter') });
    await dora.sendContent({
      document: {
        file_id: 'letter',
        file_unique_id: 'l',
        file_name: 'Brief.pdf',
        mime_type: 'application/pdf',
        file_size: 15,
      },
      // A link in the caption is evidence too.
      caption: 'Der Beitrag: https://example.org/post/9',
    });
    expect((await dora.lastQuestion()).text).toContain(evidenceStatus(2, 1));

    // Too large: refused from the size Telegram reports, before anything is downloaded.
    const before = h!.callsOf('getFile').length;
    await dora.sendContent({
      document: {
        file_id: 'huge',
        file_unique_id: 'h',
        file_name: 'video.pdf',
        mime_type: 'application/pdf',
        file_size: 25 * 1024 * 1024,
      },
    });
    expect(h!.callsOf('getFile')).toHaveLength(before);
    expect((await dora.lastQuestion()).text).toContain(t('common:invalid.file.tooLarge'));
    // A type Lotse does not take.
    await dora.sendContent({
      document: {
        file_id: 'zip',
        file_unique_id: 'z',
        file_name: 'x.zip',
        mime_type: 'application/zip',
        file_size: 10,
      },
    });
    expect((await dora.lastQuestion()).text).toContain(t('common:invalid.file.type'));

    // An album: two photos with one media group id become one files input.
    h!.files.set('a1', { bytes: Buffer.from('album one') });
    h!.files.set('a2', { bytes: Buffer.from('album two') });
    const count = (await dora.messages()).length;
    for (const id of ['a1', 'a2'])
      await dora.sendContent({
        media_group_id: 'album-1',
        photo: [{ file_id: id, file_unique_id: id, width: 800, height: 600, file_size: 9 }],
      });
    const after = await dora.waitForMessages(count);
    expect(after).toHaveLength(count + 1);
    expect(after.at(-1)?.text).toContain(evidenceStatus(4, 1));

    // An album split by a restart (as webhook replicas may split one): each part counts.
    h!.files.set('b1', { bytes: Buffer.from('album b one') });
    h!.files.set('b2', { bytes: Buffer.from('album b two') });
    const photo = (id: string) => ({
      media_group_id: 'album-2',
      photo: [{ file_id: id, file_unique_id: id, width: 800, height: 600, file_size: 11 }],
    });
    await dora.sendContent(photo('b1'));
    await h!.stopBot();
    await h!.startBot();
    await dora.sendContent(photo('b2'));
    const split = await dora.waitForMessages(count + 2);
    expect(split.at(-1)?.text).toContain(evidenceStatus(6, 1));
  });

  it('takes only a voice message at the description: another file is refused before getFile', async () => {
    await start();
    const emil = h!.user({ userId: 206 });
    await emil.send('/start');
    await emil.tap('report');
    await emil.tap('no'); // danger
    await emil.tap('short');
    expect((await emil.lastQuestion()).text).toContain(t('intake:description.prompt'));
    const before = h!.callsOf('getFile').length;
    h!.files.set('photo-d', { bytes: Buffer.from('a photo') });
    await emil.sendContent({
      photo: [{ file_id: 'photo-d', file_unique_id: 'pd', width: 800, height: 600, file_size: 7 }],
    });
    // The hint and the same question, and nothing fetched.
    const again = await emil.lastQuestion();
    expect(again.text).toContain(t('common:invalid.expectedVoice'));
    expect(again.text).toContain(t('intake:description.prompt'));
    expect(h!.callsOf('getFile')).toHaveLength(before);
    h!.files.set('voice-d', { bytes: Buffer.from('OggS voice') });
    await emil.sendContent({
      voice: {
        file_id: 'voice-d',
        file_unique_id: 'vd',
        duration: 42,
        mime_type: 'audio/ogg',
        file_size: 10,
      },
    });
    expect(h!.callsOf('getFile').map((c) => c.payload['file_id'])).toContain('voice-d');
    // Kept as evidence: the evidence question counts it.
    expect((await emil.lastQuestion()).text).toContain(evidenceStatus(1, 0));
    await emil.tap('done');
    await emil.tap('chat');
    expect((await emil.lastQuestion()).text).toContain('Sprachnachricht (0:42)');
  });

  it('answers a forged button with an alert and changes nothing', async () => {
    await start();
    const emil = h!.user({ userId: 205 });
    await emil.send('/start');
    const menu = (await emil.messages()).at(-1)!;
    const count = (await emil.messages()).length;
    for (const data of ['c:nonsense', 'x:1', 's:7KQ2-9XMD-4HTR-V', 'c#99', 'd'])
      await emil.callback(data, menu);
    const answers = h!.callsOf('answerCallbackQuery');
    expect(answers).toHaveLength(5);
    expect(
      answers.every(
        (a) => a.payload['text'] === t('telegram:stale') && a.payload['show_alert'] === true,
      ),
    ).toBe(true);
    const now = await emil.messages();
    expect(now).toHaveLength(count);
    // The open question keeps its buttons and still works.
    expect(now.at(-1)?.buttons.length).toBeGreaterThan(0);
    await emil.tap('emergency');
    expect((await emil.lastQuestion()).options.map((o) => o.id)).toEqual(['menu']);
  });

  it('refuses a stale button and takes its keyboard away; a typed answer works instead', async () => {
    await start();
    const fritz = h!.user({ userId: 206 });
    await fritz.send('/start');
    const menu = (await fritz.messages()).at(-1)!;
    await fritz.send('3'); // emergency, typed: the menu's buttons go
    expect((await fritz.messages()).find((m) => m.messageId === menu.messageId)?.buttons).toEqual(
      [],
    );
    await fritz.callback('c:report', menu); // the old message as it was on screen
    expect(h!.callsOf('answerCallbackQuery').at(-1)?.payload['text']).toBe(t('telegram:stale'));
    expect((await fritz.lastQuestion()).options.map((o) => o.id)).toEqual(['menu']);
    // A double tap: only the first counts.
    await fritz.tap('menu');
    const menu2 = (await fritz.messages()).at(-1)!;
    const tapped = (await fritz.messages()).at(-2)!;
    await fritz.callback('c:menu', { ...tapped, buttons: [] });
    expect(h!.callsOf('answerCallbackQuery').at(-1)?.payload['text']).toBe(t('telegram:stale'));
    expect((await fritz.messages()).at(-1)?.messageId).toBe(menu2.messageId);
  });

  it('ignores groups other than the staff group', async () => {
    await start({ staff: { chatId: '-1001', userIds: ['900'] } });
    const stranger = h!.user({ userId: 207, chatId: -5555, type: 'group' });
    await stranger.send('Hallo Bot');
    await stranger.send('/start');
    await stranger.send('/claim 7KQ2-9XMD-4HTR-V');
    expect(await stranger.messages()).toEqual([]);
    expect(await keysUnder(redis.client, `${redis.prefix}:conv`)).toEqual([]);
    const sessions = (await keysUnder(redis.client, redis.prefix)).filter((k) => k.includes('207'));
    expect(sessions).toEqual([]);
  });

  it('posts case notices to the staff group and takes claims and replies from staff only', async () => {
    const desk = new FakeDesk(['telegram:900']);
    await start({ staff: { chatId: '-1001', userIds: ['900'], desk } });
    const person = h!.user({ userId: 208 });
    await person.send('/start');
    const caseRef = newCaseRef();
    desk.onReply = async (ref, text) => {
      // What the outbound queue will do: deliver into the person's chat through the router.
      await h!.app.router.deliver(
        {
          platform: 'telegram',
          userId: '208',
          chatId: '208',
          eventId: `staff-reply:${ref}`,
          input: { kind: 'hello' },
        },
        [{ text, expects: { kind: 'none' } }],
      );
    };
    await h!.channel.staffNotices!.notify({
      kind: 'new',
      caseRef,
      urgent: true,
      kinds: ['threat'],
      state: 'BY',
      status: 'new',
      at: '2026-11-22T10:00:00.000Z',
    });
    const anna = h!.user({ userId: 900, chatId: -1001, type: 'supergroup', userName: 'anna' });
    const stranger = h!.user({ userId: 901, chatId: -1001, type: 'supergroup' });
    const notice = (await anna.messages()).at(-1)!;
    expect(notice.text).toContain(caseRef);
    expect(notice.text).toContain(t('telegram:staff.urgent'));
    expect(notice.text).toContain(t('intake:kinds.options.threat'));
    expect(notice.text).not.toMatch(/MARKER|Drohung unter/);

    // A stranger's tap and command are refused; the desk hears nothing.
    await stranger.tap(`claim:${caseRef}`);
    expect(h!.callsOf('answerCallbackQuery').at(-1)?.payload['text']).toBe(
      t('staff:refused.not-staff', { list: 'TELEGRAM_STAFF_USER_IDS' }),
    );
    await stranger.send(`/reply ${caseRef} Hallo`);
    expect((await anna.messages()).at(-1)?.text).toBe(
      t('staff:refused.not-staff', { list: 'TELEGRAM_STAFF_USER_IDS' }),
    );
    await stranger.send('nur Geplauder');
    expect(desk.calls).toEqual([]);

    await anna.tap(`claim:${caseRef}`);
    expect(desk.calls).toEqual([{ action: 'claim', actor: 'telegram:900', caseRef }]);
    const claimed = (await anna.messages()).find((m) => m.messageId === notice.messageId)!;
    expect(claimed.text).toContain(t('telegram:staff.claimedBy', { name: '@anna' }));
    expect(claimed.buttons).toEqual([]);

    await anna.send(`/reply ${caseRef.toLowerCase()} Guten Tag, wir rufen Sie morgen an.`);
    expect(desk.calls.at(-1)).toEqual({
      action: 'reply',
      actor: 'telegram:900',
      caseRef,
      text: 'Guten Tag, wir rufen Sie morgen an.',
    });
    expect((await anna.messages()).at(-1)?.text).toBe(t('staff:done.reply', { caseRef }));
    expect((await person.messages()).at(-1)?.text).toBe('Guten Tag, wir rufen Sie morgen an.');

    await anna.send('/note');
    expect((await anna.messages()).at(-1)?.text).toBe(t('staff:usage', { p: '/' }));
    await anna.send(`/claim ${caseRef}`);
    expect((await anna.messages()).at(-1)?.text).toBe(t('staff:refused.already-claimed'));
  });

  it('brings a report to the staff group and a staff reply back to the person (real desk)', async () => {
    await start({ staff: { chatId: '-1001', userIds: ['900'] }, appDesk: true });
    const kim = h!.user({ userId: 213 });
    await toEvidence(kim);
    await kim.tap('done');
    await kim.tap('known');
    await kim.tap('no');
    await kim.tap('no');
    await kim.choose(['callBack']);
    await kim.tap('chat');
    await kim.tap('noRemind');
    await kim.tap('send');
    const anna = h!.user({ userId: 900, chatId: -1001, type: 'supergroup', userName: 'anna' });
    const [notice] = await anna.waitForMessages(0);
    const caseRef = /([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-\S)/.exec(notice!.text)?.[1] ?? '';
    expect(parseCaseRef(caseRef)).toBe(caseRef);
    expect(notice!.text).not.toContain('MARKER-4711');

    await anna.tap(`claim:${caseRef}`);
    expect(h!.callsOf('answerCallbackQuery').at(-1)?.payload['text']).toBe(
      t('staff:done.claim', { caseRef }),
    );
    const count = (await kim.messages()).length;
    await anna.send(`/reply ${caseRef} Wir rufen Sie morgen um 10 Uhr an.`);
    expect((await anna.messages()).at(-1)?.text).toBe(t('staff:done.reply', { caseRef }));
    const reply = (await kim.waitForMessages(count)).at(-1);
    expect(reply?.text).toContain('Wir rufen Sie morgen um 10 Uhr an.');
    expect(reply?.text).toContain(caseRef);

    // Erasing from the group takes the same command twice.
    await anna.send(`/erase ${caseRef}`);
    expect((await anna.messages()).at(-1)?.text).toBe(t('staff:confirmErase', { caseRef }));
    await anna.send(`/erase ${caseRef}`);
    expect((await anna.messages()).map((m) => m.text)).toContain(
      t('staff:done.erase', { caseRef }),
    );
    // The group is told, like of every case change.
    const told = (texts: string[]) =>
      texts.some((x) => x.includes(t('telegram:staff.notice.erased', { caseRef })));
    const texts = await eventually(async () => (await anna.messages()).map((m) => m.text), told);
    expect(told(texts)).toBe(true);
    expect(await h!.app.cases.get(caseRef)).toBeUndefined();
  });

  it('goes on at the same question after a restart, old buttons included', async () => {
    await start();
    const gina = h!.user({ userId: 209 });
    await gina.send('/start');
    await gina.tap('report');
    await gina.tap('no');
    await gina.tap('agree');
    const role = await gina.lastQuestion();
    expect(role.text).toBe(t('intake:role.prompt'));
    await h!.stopBot();
    // Written while Lotse was down: waits at Telegram and is handled after the restart.
    const client = h!.server.getClient(TOKEN, { userId: 209, chatId: 209 });
    await client.sendMessage(
      client.makeMessage('/hilfe', {
        from: { id: 209, is_bot: false, first_name: 'G', language_code: 'de' },
      }),
    );
    const waiting = h!.lastUpdateId();
    await h!.startBot();
    await h!.handled(waiting);
    expect((await gina.lastQuestion()).text).toContain(t('intake:role.prompt'));
    await gina.tap('council');
    expect((await gina.lastQuestion()).text).toContain(t('intake:kinds.prompt'));
  });

  it('deletes its messages and the person`s from the chat on request', async () => {
    await start();
    const hans = h!.user({ userId: 210 });
    await hans.send('/start');
    // Typed, not tapped: the emulator gives a button tap the message id of the next bot message,
    // and its deleteMessage would then remove the tap instead of the message.
    await hans.send('3');
    expect((await hans.messages()).length).toBeGreaterThan(2);
    await hans.send('/loeschen_chat');
    const left = await hans.messages();
    expect(left).toHaveLength(1);
    expect(left[0]?.text).toContain(t('telegram:wipe.remains').slice(0, 30));
    expect(
      h!.server.storage.userMessages.filter(
        (u) => 'message' in u && String((u.message as { chat: { id: number } }).chat.id) === '210',
      ),
    ).toEqual([]);
    // The conversation itself is still there.
    await hans.send('/menue');
    expect((await hans.lastQuestion()).text).toBe(t('common:menu.prompt'));
  });

  it('on "delete my data" deletes the chat`s messages first, then forgets the chat', async () => {
    await start();
    const ida = h!.user({ userId: 211 });
    await ida.send('/start');
    // Typed, not tapped (see above: the emulator's ids of taps).
    await ida.send('3');
    await ida.send('/loeschen');
    expect((await ida.lastQuestion()).text).toBe(t('common:delete.prompt'));
    const before = (await ida.messages()).length;
    expect(before).toBeGreaterThan(3);
    await ida.send('1');
    // Left in the chat: only the last words, which say what was deleted and what to delete.
    const left = (await ida.messages()).map((m) => m.text);
    expect(left[0]).toBe(t('common:delete.done'));
    // The bot's messages and the person's four (/start, 3, /loeschen, 1).
    expect(left.join('\n')).toContain(t('telegram:wipe.done', { count: before + 4 }));
    expect(left.join('\n')).toContain(t('telegram:wipe.farewell'));
    expect(
      h!.server.storage.userMessages.filter(
        (u) => 'message' in u && String((u.message as { chat: { id: number } }).chat.id) === '211',
      ),
    ).toEqual([]);
    // Nothing of the chat is kept: no message log, open question or delivery progress.
    const chatKeys = (await keysUnder(redis.client, `${redis.prefix}:tg:`)).filter((k) =>
      /:211(:|$)/.test(k),
    );
    expect(chatKeys).toEqual([]);
    // Writing again starts afresh.
    await ida.send('Hallo');
    expect((await ida.messages()).map((m) => m.text)).toContain(t('common:welcome'));
  });

  it('answers an update Telegram delivers twice only once', async () => {
    // As after a restart before the offset was confirmed: the same batch comes again.
    let batch: unknown[] | undefined;
    let repeated = false;
    const redeliver: Transformer = async (prev, method, payload, signal) => {
      const result = await prev(method, payload, signal);
      if (method !== 'getUpdates' || !result.ok || !Array.isArray(result.result)) return result;
      if (result.result.length > 0 && batch === undefined) batch = result.result;
      else if (batch !== undefined && !repeated) {
        repeated = true;
        return { ok: true, result: [...batch, ...(result.result as unknown[])] } as never;
      }
      return result;
    };
    await start({ transformers: [redeliver] });
    const jan = h!.user({ userId: 212 });
    await jan.send('/start');
    const wasRepeated = () => repeated;
    while (!wasRepeated()) await sleep(10);
    await sleep(100);
    const texts = (await jan.messages()).map((m) => m.text);
    expect(texts.filter((x) => x === t('common:menu.prompt'))).toHaveLength(1);
  });

  it('finishes an update in flight before it stops', async () => {
    let slow = false;
    const slowSend: Transformer = async (prev, method, payload, signal) => {
      if (slow && method === 'sendMessage') await sleep(400);
      return prev(method, payload, signal);
    };
    await start({ transformers: [slowSend] });
    const ida = h!.user({ userId: 211 });
    await ida.send('/start');
    slow = true;
    const client = h!.server.getClient(TOKEN, { userId: 211, chatId: 211 });
    await client.sendMessage(
      client.makeMessage('3', {
        from: { id: 211, is_bot: false, first_name: 'I', language_code: 'de' },
      }),
    );
    // Wait until the runner has taken the update, then stop.
    while (!h!.server.storage.userMessages.at(-1)?.isRead) await sleep(10);
    await sleep(50);
    await h!.stopBot();
    expect((await ida.lastQuestion()).options.map((o) => o.id)).toEqual(['menu']);
  });

  it('stops start-up with one clear sentence when Telegram refuses the token', async () => {
    await start();
    const refuse: Transformer = async (prev, method, payload, signal) =>
      method === 'getMe'
        ? ({ ok: false, error_code: 401, description: 'Unauthorized' } as never)
        : prev(method, payload, signal);
    const channel = new TelegramChannel({
      token: '42:wrong',
      apiRoot: h!.server.config.apiURL,
      mode: { kind: 'polling' },
      redis: redis.client,
      prefix: redis.prefix,
      retentionSeconds: 60,
      files: h!.app.files,
      i18n: h!.i18n,
      logger: createLogger('silent'),
      defaultLanguage: 'de',
      transformers: [refuse],
    });
    const started = channel.start({
      handle: () => Promise.resolve(),
      admitFile: () => Promise.resolve({ kind: 'refused' }),
      admitMessage: () => Promise.resolve(true),
    });
    await expect(started).rejects.toBeInstanceOf(StartupError);
    await expect(started).rejects.toThrow(
      /^Telegram does not accept TELEGRAM_BOT_TOKEN: [^\n]+\.$/,
    );
  });
});
