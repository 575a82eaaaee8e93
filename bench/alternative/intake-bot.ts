/**
 * The alternative: the same intake as a TypeScript developer would write it with grammY and
 * @grammyjs/conversations (v2), as that plugin's documentation recommends – one async function per
 * conversation, `conversation.waitFor…` with `otherwise` for bad input, `conversation.external`
 * around side effects, the state in Redis through @grammyjs/storage-redis, the report handed to a
 * BullMQ queue and made into a case by a worker. Only the benchmark uses it.
 *
 * The German texts sit in the code here, as they would in such a bot; Lotse keeps them in locales/.
 */
import {
  type Conversation,
  type ConversationFlavor,
  conversations,
  createConversation,
} from '@grammyjs/conversations';
import { RedisAdapter } from '@grammyjs/storage-redis';
import { Queue, Worker } from 'bullmq';
import { Bot, type Context, InlineKeyboard } from 'grammy';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

type BotContext = ConversationFlavor<Context>;
type IntakeConversation = Conversation<BotContext>;

/** The report the conversation collects. */
export interface AlternativeReport {
  readonly caseRef: string;
  readonly danger: string;
  readonly role: string;
  readonly kinds: readonly string[];
  readonly channel: string;
  readonly platform?: string;
  readonly link?: string;
  readonly when: string;
  readonly state: string;
  readonly municipality?: string;
  readonly description: string;
  readonly evidence: readonly string[];
  readonly perpetrator: string;
  readonly police: string;
  readonly fileNumber?: string;
  readonly family: string;
  readonly help: string;
  readonly contact: string;
  readonly reminder: string;
}

const KINDS = ['threat', 'insult', 'hateOnline', 'damage', 'assault', 'stalking', 'other'];
const HELP = ['talk', 'legal', 'police', 'security', 'psychological', 'none'];
const STATES: Record<string, string> = {
  'baden-württemberg': 'BW',
  bayern: 'BY',
  berlin: 'BE',
  brandenburg: 'BB',
  bremen: 'HB',
  hamburg: 'HH',
  hessen: 'HE',
  'mecklenburg-vorpommern': 'MV',
  niedersachsen: 'NI',
  'nordrhein-westfalen': 'NW',
  'rheinland-pfalz': 'RP',
  saarland: 'SL',
  sachsen: 'SN',
  'sachsen-anhalt': 'ST',
  'schleswig-holstein': 'SH',
  thüringen: 'TH',
};
const LABELS: Record<string, string> = {
  report: 'Vorfall melden',
  yes: 'Ja',
  no: 'Nein',
  agree: 'Einverstanden',
  decline: 'Nicht einverstanden',
  mayor: 'Bürgermeister/in',
  council: 'Gemeinderat',
  district: 'Kreistag',
  staff: 'Verwaltung',
  online: 'Online',
  offline: 'Vor Ort',
  skip: 'Überspringen',
  known: 'Bekannt',
  unknown: 'Unbekannt',
  chat: 'Hier im Chat',
  phone: 'Telefon',
  email: 'E-Mail',
  remind: 'Erinnern',
  send: 'Absenden',
  discard: 'Verwerfen',
};

/** A keyboard with one button per option. */
const keyboard = (ids: readonly string[]) =>
  InlineKeyboard.from(ids.map((id) => [InlineKeyboard.text(LABELS[id] ?? id, id)]));

/** Asks a question with buttons and waits for one of them; anything else is asked again. */
async function choose(
  conversation: IntakeConversation,
  ctx: Context,
  question: string,
  ids: readonly string[],
): Promise<string> {
  await ctx.reply(question, { reply_markup: keyboard(ids) });
  const answer = await conversation.waitForCallbackQuery([...ids], {
    otherwise: (other) => other.reply('Bitte wählen Sie eine der Schaltflächen.'),
  });
  await answer.answerCallbackQuery();
  return answer.callbackQuery.data;
}

/** Asks for text and waits until `accept` takes it; bad input gets `hint` and waits again. */
async function ask<T>(
  conversation: IntakeConversation,
  ctx: Context,
  question: string,
  hint: string,
  accept: (text: string) => T | undefined,
): Promise<T> {
  await ctx.reply(question);
  for (;;) {
    const text = await conversation.form.text({
      otherwise: (other) => other.reply('Bitte schreiben Sie eine Textnachricht.'),
    });
    const value = accept(text.trim());
    if (value !== undefined) return value;
    await ctx.reply(hint);
  }
}

/** "heute", "gestern" or TT.MM.JJJJ, not in the future, as YYYY-MM-DD. */
function parseDay(text: string, today: Date): string | undefined {
  const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  const lower = text.toLowerCase();
  if (lower === 'gestern') day.setUTCDate(day.getUTCDate() - 1);
  else if (lower !== 'heute') {
    const match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
    if (!match) return undefined;
    day.setTime(Date.UTC(Number(match[3]), Number(match[2]) - 1, Number(match[1])));
    if (Number.isNaN(day.getTime()) || day > today) return undefined;
  }
  return day.toISOString().slice(0, 10);
}

/** Numbers like "1, 3" from a numbered list of `ids`. */
function pickNumbers(text: string, ids: readonly string[]): string[] | undefined {
  const picked = text.split(/[\s,]+/).map((part) => ids[Number(part) - 1]);
  return picked.length > 0 && picked.every((id) => id !== undefined)
    ? [...new Set(picked)]
    : undefined;
}

const numbered = (ids: readonly string[]) => ids.map((id, i) => `${i + 1}. ${id}`).join('\n');

/** The incident report, question by question. */
function intake(queue: Queue) {
  return async (conversation: IntakeConversation, ctx: Context): Promise<void> => {
    const danger = await choose(conversation, ctx, 'Sind Sie gerade in Gefahr?', ['yes', 'no']);
    if (danger === 'yes') await ctx.reply('Rufen Sie bitte sofort 110 an.');
    const consent = await choose(
      conversation,
      ctx,
      'Wir speichern Ihre Angaben, um Ihnen zu helfen. Einverstanden?',
      ['agree', 'decline'],
    );
    if (consent !== 'agree') {
      await ctx.reply('Ohne Einverständnis können wir nichts speichern.');
      return;
    }
    const role = await choose(conversation, ctx, 'Welches Amt haben Sie?', [
      'mayor',
      'council',
      'district',
      'staff',
    ]);
    const kinds = await ask(
      conversation,
      ctx,
      `Was ist passiert? Mehrere Nummern möglich:\n${numbered(KINDS)}`,
      'Bitte Nummern aus der Liste, z. B. „1, 3“.',
      (text) => pickNumbers(text, KINDS),
    );
    const channel = await choose(conversation, ctx, 'Wo ist es passiert?', ['online', 'offline']);
    let platform: string | undefined;
    let link: string | undefined;
    if (channel === 'online') {
      platform = await ask(conversation, ctx, 'Auf welcher Plattform?', 'Bitte kurz.', (t) =>
        t.length > 0 && t.length <= 100 ? t : undefined,
      );
      link = await ask(conversation, ctx, 'Der Link dazu?', 'Bitte ein Link mit https://.', (t) =>
        URL.canParse(t) ? t : undefined,
      );
    }
    const now = await conversation.now();
    const when = await ask(
      conversation,
      ctx,
      'Wann war das? (heute, gestern oder TT.MM.JJJJ)',
      'Bitte ein Datum, nicht in der Zukunft.',
      (t) => parseDay(t, new Date(now)),
    );
    const state = await ask(
      conversation,
      ctx,
      'In welchem Bundesland?',
      'Bitte den Namen eines Bundeslands.',
      (t) => STATES[t.toLowerCase()],
    );
    await ctx.reply('In welcher Gemeinde? (oder überspringen)', {
      reply_markup: keyboard(['skip']),
    });
    const place = await conversation.waitFor(['message:text', 'callback_query:data'], {
      otherwise: (other) => other.reply('Bitte den Namen der Gemeinde oder „Überspringen“.'),
    });
    if (place.callbackQuery) await place.answerCallbackQuery();
    const municipality = place.message?.text;
    const description = await ask(
      conversation,
      ctx,
      'Beschreiben Sie bitte, was passiert ist.',
      'Bitte höchstens 4000 Zeichen.',
      (t) => (t.length > 0 && t.length <= 4000 ? t : undefined),
    );
    await ctx.reply('Schicken Sie Bildschirmfotos oder Dateien; dann „Fertig“.');
    const evidence: string[] = [];
    for (;;) {
      const piece = await conversation.waitFor(
        ['message:photo', 'message:document', 'message:text'],
        {
          otherwise: (other) => other.reply('Bitte ein Foto, eine Datei oder „Fertig“.'),
        },
      );
      const file = piece.message.photo?.at(-1)?.file_id ?? piece.message.document?.file_id;
      if (file !== undefined) evidence.push(file);
      else if (piece.message.text?.toLowerCase() === 'fertig') break;
      else await ctx.reply('Bitte ein Foto, eine Datei oder „Fertig“.');
    }
    const perpetrator = await choose(conversation, ctx, 'Kennen Sie die Person?', [
      'known',
      'unknown',
    ]);
    const police = await choose(conversation, ctx, 'Haben Sie Anzeige erstattet?', ['yes', 'no']);
    const fileNumber =
      police === 'yes'
        ? await ask(conversation, ctx, 'Das Aktenzeichen?', 'Bitte kurz.', (t) =>
            t.length <= 100 ? t : undefined,
          )
        : undefined;
    const family = await choose(conversation, ctx, 'Ist Ihre Familie betroffen?', ['yes', 'no']);
    const help = await ask(
      conversation,
      ctx,
      `Welche Hilfe wünschen Sie?\n${numbered(HELP)}`,
      'Bitte eine Nummer aus der Liste.',
      (t) => pickNumbers(t, HELP)?.join(','),
    );
    const contact = await choose(conversation, ctx, 'Wie sollen wir Sie erreichen?', [
      'chat',
      'phone',
      'email',
    ]);
    const reminder = await choose(
      conversation,
      ctx,
      'Die Frist für einen Strafantrag ist drei Monate. Sollen wir Sie erinnern?',
      ['remind', 'no'],
    );
    const report: Omit<AlternativeReport, 'caseRef'> = {
      danger,
      role,
      kinds,
      channel,
      ...(platform === undefined ? {} : { platform }),
      ...(link === undefined ? {} : { link }),
      when,
      state,
      ...(municipality === undefined ? {} : { municipality }),
      description,
      evidence,
      perpetrator,
      police,
      ...(fileNumber === undefined ? {} : { fileNumber }),
      family,
      help,
      contact,
      reminder,
    };
    const summary = Object.entries(report)
      .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
      .join('\n');
    const sent = await choose(conversation, ctx, `Ihre Meldung:\n${summary}\n\nAbsenden?`, [
      'send',
      'discard',
    ]);
    if (sent !== 'send') {
      await ctx.reply('Verworfen.');
      return;
    }
    const caseRef = await conversation.external(async () => {
      const ref = `ALT-${randomUUID().slice(0, 8).toUpperCase()}`;
      await queue.add('report', { ...report, caseRef: ref, queuedAt: Date.now() });
      return ref;
    });
    await ctx.reply(`Danke. Ihre Meldung ist eingegangen: ${caseRef}`);
  };
}

export interface AlternativeOptions {
  readonly redis: Redis;
  readonly prefix: string;
  /** Answers every Bot API call in place of Telegram's servers. */
  readonly fetch: typeof fetch;
}

/** The bot and the queue it hands reports to. */
export function createAlternativeBot(options: AlternativeOptions): {
  bot: Bot<BotContext>;
  queue: Queue;
} {
  const queue = new Queue('reports', {
    connection: options.redis,
    prefix: `${options.prefix}:bull`,
  });
  const bot = new Bot<BotContext>('123456:ALTERNATIVE', {
    client: { fetch: options.fetch },
    botInfo: {
      id: 123456,
      is_bot: true,
      first_name: 'Alternative',
      username: 'alternative_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    },
  });
  bot.use(
    conversations({
      storage: {
        type: 'key',
        version: 1,
        prefix: `${options.prefix}:conversation:`,
        adapter: new RedisAdapter({ instance: options.redis, ttl: 30 * 86_400 }),
      },
    }),
  );
  bot.use(createConversation(intake(queue), 'intake'));
  bot.command('start', (ctx) =>
    ctx.reply('Willkommen. Was möchten Sie tun?', { reply_markup: keyboard(['report']) }),
  );
  bot.callbackQuery('report', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter('intake');
  });
  bot.on('message', (ctx) => ctx.reply('Schreiben Sie /start, um zu beginnen.'));
  return { bot, queue };
}

/** The worker making cases of queued reports; `made` hears of each case. */
export function startAlternativeWorker(
  redis: Redis,
  prefix: string,
  made: (caseRef: string) => void,
): { close(): Promise<void> } {
  const connection = redis.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker<AlternativeReport>(
    'reports',
    async (job) => {
      const report = job.data;
      await redis.hset(`${prefix}:case:${report.caseRef}`, {
        status: 'new',
        report: JSON.stringify(report),
        createdAt: new Date().toISOString(),
      });
      await redis.sadd(`${prefix}:cases:new`, report.caseRef);
      made(report.caseRef);
    },
    {
      connection,
      prefix: `${prefix}:bull`,
      concurrency: 4,
      removeOnComplete: { count: 0 },
    },
  );
  return {
    async close() {
      await worker.close();
      await connection.quit();
    },
  };
}
