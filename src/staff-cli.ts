import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UnrecoverableError } from 'bullmq';
import { parseCaseRef } from './bot/case-ref.ts';
import { fileContext } from './infra/redis/file-vault.ts';
import { Translator } from './bot/i18n.ts';
import { createLogger } from './bot/logger.ts';
import { printable } from './bot/printable.ts';
import { connectRedis, sentinelSettings, StartupError } from './infra/redis/connect.ts';
import { exitWithin, firstSignal, stopWithin } from './bot/shutdown.ts';
import { ConfigError, loadConfig } from './config/load.ts';
import { reportSchema } from './flows/intake/report.ts';
import { text, type Language } from './flows/types.ts';
import { createApp } from './app.ts';
import { caseDocument } from './staff/case-document.ts';
import { saveEvidence, type SaveOutcome } from './staff/evidence-files.ts';
import { feedKey } from './staff/feed-channel.ts';
import { generateStaffKeyPair, open } from './staff/seal.ts';
import { FolderWriter } from './staff/folder-writer.ts';
import { resolveBotKeys } from './staff/bot-keys.ts';
import { KeyFileExists, resolveStaffKeys, writeKeyFile, type StaffKeys } from './staff/keys.ts';
import { parseStaffCommand, staffWord } from './staff/commands.ts';
import { StaffCommands, type StaffAnswer, type StaffSurface } from './staff/dispatch.ts';
import { NoticeLine } from './staff/notices.ts';
import { CASE_STATUSES, type CaseNotice } from './staff/ports.ts';
import { StaffRoster } from './staff/roster.ts';
import { statRows, statsCsvLines } from './staff/statistics.ts';
import { ENROLMENT_HOURS, StaffAccounts } from './staff/accounts.ts';
import { WebSessions } from './web/auth/sessions.ts';

/** The CLI as a staff surface: command words without a prefix; `erase` erases at once. */
const CLI_SURFACE: StaffSurface = {
  name: 'cli',
  prefix: '',
  words: ['claim', 'handback', 'reply', 'note', 'close', 'show', 'erase', 'help'],
  eraseTwice: false,
  quietOnUnknown: false,
  mayShow: () => Promise.resolve(undefined),
};

const USAGE = `Usage: npm run staff -- <command> [options]   (--as NAME or $STAFF_USER; --json for scripts; --lang de|en)
  keygen [--out FILE]            make the staff key pair (private key to FILE, mode 600)
  keygen --bot [--out FILE]      make the bot key pair that seals staff replies until delivery
  list [--status S] [--urgent]   cases, newest first
  show REF [--files DIR]         the decrypted report, notes, messages (files checked, saved to DIR)
  claim REF                      take on a case
  handback REF                   give a case you claimed back (it is new again)
  note REF TEXT                  an internal note
  reply REF TEXT                 answer the person in their chat
  close REF OUTCOME              close with an outcome (erased after CASE_RETENTION_DAYS)
  erase REF                      erase a case now (e.g. on the person's request)
  export REF [--out DIR]         the case as JSON and as a readable document
  stats [--from YYYY-MM] [--to YYYY-MM]   anonymous counts as CSV
  feed [--follow]                staff notices (new, unclaimed, messages …)
  failed                         reports that could not be read, kept aside
  failed retry ID                hand a kept-aside report to the worker again (e.g. after a key fix)
  failed remove ID               delete a kept-aside report for good
  account add NAME [--display "Name"]   a browser inbox account; prints its one-time set-up link
  account reenrol NAME           a new set-up link (lost phone, forgotten passphrase)
  account disable NAME           disable an account and end its browser sessions at once
  account list                   the browser inbox accounts
The case commands take the German words of the chat rooms too: uebernehmen, zurueckgeben, notiz, antworten,
schliessen, zeigen, loeschen.`;

type Out = (line: string) => void;

async function main(argv: string[], out: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      as: { type: 'string' },
      json: { type: 'boolean', default: false },
      lang: { type: 'string', default: 'de' },
      status: { type: 'string' },
      urgent: { type: 'boolean', default: false },
      files: { type: 'string' },
      out: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      follow: { type: 'boolean', default: false },
      display: { type: 'string' },
      bot: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (command === undefined || values.help) {
    out(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const lang: Language = values.lang === 'en' ? 'en' : 'de';
  const i18n = Translator.create();
  const say = (key: string, params?: Parameters<typeof text>[1]) =>
    i18n.t(lang, text(`staff:${key}`, params));

  if (command === 'keygen') {
    // The bot's pair is the same kind of key; only who gets which half differs.
    const said = values.bot ? 'keygen.bot' : 'keygen';
    const pair = generateStaffKeyPair();
    if (values.out !== undefined) {
      try {
        writeKeyFile(values.out, pair);
      } catch (error) {
        if (!(error instanceof KeyFileExists)) throw error;
        throw new UsageError(say('refused.key-exists', { file: error.path }));
      }
      out(
        values.json
          ? JSON.stringify({ publicKey: pair.publicKey, privateKeyFile: values.out })
          : say(`${said}.file`, { file: values.out, publicKey: pair.publicKey }),
      );
    } else {
      out(values.json ? JSON.stringify(pair) : say(`${said}.printed`, { ...pair }));
    }
    return 0;
  }

  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const actorName = values.as ?? process.env['STAFF_USER'] ?? '';
  const sender = { account: actorName, name: actorName };
  const roster = StaffRoster.fromConfig(config);
  if (!roster.has('cli', actorName)) {
    out(say('refused.not-staff', { list: 'STAFF_USERS' }));
    return 3;
  }
  // The keys first: a refusal holds no connection open.
  const keys = resolveStaffKeys(config, 'staff', logger);
  const botKeys = resolveBotKeys(config, 'staff');
  const handle = await connectRedis({
    url: config.REDIS_URL,
    sentinel: sentinelSettings(config),
    autostart: false,
    dataDir: config.DATA_DIR,
    logger,
    warnVolatile: false,
  });
  const app = createApp(config, handle.redis, logger, { role: 'worker', keys, botKeys });
  const commands = new StaffCommands({ roster, desk: app.desk, logger });
  /** With the settings: times in TIME_ZONE. */
  const shown = app.i18n;
  /** A case command through the staff commands, as in the chat rooms. */
  const run = async (): Promise<StaffAnswer> => {
    const typed = parseStaffCommand([command, ...rest].join(' '), CLI_SURFACE.prefix);
    // A command without a reference or with a malformed one is a usage error (exit status 2).
    if (typed?.kind === 'usage') throw new UsageError(say('usage', { p: CLI_SURFACE.prefix }));
    if (typed === undefined || typed.kind === 'bad-ref')
      throw new UsageError(say('refused.bad-ref'));
    return commands.run(CLI_SURFACE, sender, typed);
  };
  /** Prints an answer other than case details; the exit status. */
  const print = (answer: StaffAnswer): number => {
    switch (answer.kind) {
      case 'done':
        out(
          values.json
            ? JSON.stringify({ ok: true, caseRef: answer.caseRef })
            : say(`done.${answer.command}`, { caseRef: answer.caseRef }),
        );
        return 0;
      case 'refused':
        out(
          values.json
            ? JSON.stringify({ ok: false, reason: answer.reason })
            : say(`refused.${answer.reason}`, {
                caseRef: answer.caseRef ?? '',
                list: 'STAFF_USERS',
              }),
        );
        return 3;
      default:
        throw new UsageError(USAGE);
    }
  };
  const caseArg = (): string | undefined => parseCaseRef(rest[0] ?? '');
  const needRef = (): string => {
    const ref = caseArg();
    if (ref === undefined) throw new UsageError(say('refused.bad-ref'));
    return ref;
  };

  try {
    // The staff words and their German aliases, as in the chat rooms; the CLI's own commands as typed.
    switch (staffWord(command) ?? command) {
      case 'list': {
        const status = values.status;
        if (status !== undefined && !(CASE_STATUSES as readonly string[]).includes(status))
          throw new UsageError(say('refused.bad-status'));
        const rows = (await app.cases.list()).filter(
          (c) => (status === undefined || c.status === status) && (!values.urgent || c.urgent),
        );
        if (values.json)
          out(JSON.stringify(rows.map(({ address: _address, conv: _conv, ...row }) => row)));
        else if (rows.length === 0) out(say('list.empty'));
        else
          for (const c of rows)
            out(
              // Plain fields from Redis, each kept on its line.
              `${c.urgent ? '!' : ' '} ${printable(c.caseRef)}  ${printable(c.status.padEnd(8))} ${printable(c.state)}  ${printable(c.kinds.join(','))}  ${printable(shown.time.format(c.createdAt))}  ${printable(c.assignee ?? '-')}${c.eraseRequested ? `  ${say('list.erase')}` : ''}`,
            );
        return 0;
      }
      case 'show': {
        const answer = await run();
        if (answer.kind !== 'details') return print(answer);
        const result = { value: answer.details };
        const caseRef = answer.details.caseRef;
        const saving =
          values.files === undefined
            ? undefined
            : await saveFiles(app, caseRef, result.value.report, values.files, keys, say);
        if (saving?.ok === false) {
          out(
            values.json
              ? JSON.stringify({ ok: false, reason: 'file-mismatch', file: saving.file })
              : say('refused.file-mismatch', { ...saving.file }),
          );
          return 3;
        }
        const files = saving;
        if (values.json)
          out(JSON.stringify(files === undefined ? result.value : { ...result.value, files }));
        else {
          out(caseDocument(result.value, lang, shown));
          if (files !== undefined) {
            const dir = values.files ?? '';
            for (const f of files.saved) out(say('files.saved', { dir, ...f }));
            for (const f of files.missing) out(say('files.missing', { ...f }));
          }
        }
        return 0;
      }
      case 'claim':
      case 'handback':
      case 'note':
      case 'reply':
      case 'close':
      case 'erase':
        return print(await run());
      case 'export': {
        const caseRef = needRef();
        const answer = await commands.run(CLI_SURFACE, sender, { kind: 'show', caseRef });
        if (answer.kind !== 'details') return print(answer);
        const result = { value: answer.details };
        // Written all or none, each through a new temporary file: an existing file or link at
        // the name is replaced, never written through.
        const dir = values.out ?? '.';
        const folder = FolderWriter.open(dir);
        const base = `lotse-${caseRef}`;
        folder.stage(
          `${base}.json`,
          `${printable(JSON.stringify({ ...result.value, audit: await app.cases.audit(caseRef) }, null, 2), { lines: true })}\n`,
        );
        folder.stage(`${base}.txt`, `${caseDocument(result.value, lang, shown)}\n`);
        const written = folder.commit().map((name) => join(dir, name));
        out(
          values.json
            ? JSON.stringify({ ok: true, files: written })
            : say('done.export', { files: written.join(', ') }),
        );
        return 0;
      }
      case 'stats': {
        const now = new Date().toISOString().slice(0, 7);
        const from = values.from ?? `${now.slice(0, 4)}-01`;
        const to = values.to ?? now;
        if (!/^\d{4}-\d{2}$/.test(from) || !/^\d{4}-\d{2}$/.test(to))
          throw new UsageError(say('refused.bad-month'));
        const stats = await app.cases.stats(from, to);
        if (values.json) out(JSON.stringify(statRows(stats)));
        else for (const line of statsCsvLines(stats)) out(line);
        return 0;
      }
      case 'feed': {
        // --follow waits on a connection of its own; Ctrl-C or SIGTERM closes it, and it ends.
        const follower = values.follow ? handle.redis.duplicate() : undefined;
        let following = follower !== undefined;
        if (follower !== undefined) {
          // The main connection logs an outage already.
          follower.on('error', (error: Error) => {
            logger.debug({ err: error }, 'feed connection error');
          });
          void firstSignal(logger).then(() => {
            following = false;
            follower.disconnect();
          });
        }
        let last = '0';
        try {
          do {
            let reply;
            try {
              reply =
                follower === undefined
                  ? await handle.redis.xread('STREAMS', feedKey(config.REDIS_KEY_PREFIX), last)
                  : await follower.xread(
                      'BLOCK',
                      5000,
                      'STREAMS',
                      feedKey(config.REDIS_KEY_PREFIX),
                      last === '0' ? '$' : last,
                    );
            } catch (error) {
              // Closed by the signal: the wait ends here; any other failure is one.
              if (following) throw error;
              break;
            }
            for (const [, entries] of reply ?? []) {
              for (const [id, fields] of entries) {
                last = id;
                const notice = fields[1] ?? '{}';
                out(
                  values.json
                    ? notice
                    : new NoticeLine(shown, lang).render(JSON.parse(notice) as CaseNotice),
                );
              }
            }
          } while (following);
        } finally {
          follower?.disconnect();
        }
        return 0;
      }
      case 'account':
        return await accountCommand(config, handle.redis, keys, rest, values, out, say);
      case 'failed': {
        const [action, id] = rest;
        if (action !== undefined) {
          if ((action !== 'retry' && action !== 'remove') || id === undefined)
            throw new UsageError(USAGE);
          const job = await app.reports.queue.getJob(id);
          if (job === undefined || !(await job.isFailed())) {
            out(values.json ? JSON.stringify({ id, ok: false }) : say('failed.unknown', { id }));
            return 3;
          }
          // A retried report is read again by the worker: with the right key it becomes a case
          // (its files wait 30 days for that); a removed one is gone, with its files at expiry.
          if (action === 'retry')
            await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          else await job.remove();
          out(values.json ? JSON.stringify({ id, ok: true }) : say(`failed.${action}`, { id }));
          return 0;
        }
        const jobs = await app.reports.queue.getFailed();
        const rows = jobs.map((j) => ({
          id: j.id,
          reason: j.failedReason,
          at: new Date(j.finishedOn ?? j.timestamp).toISOString(),
        }));
        if (values.json) out(JSON.stringify(rows));
        else if (rows.length === 0) out(say('failed.none'));
        else for (const r of rows) out(printable(`${String(r.id)}  ${r.at}  ${r.reason}`));
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  } finally {
    // Bounded: a Redis that stopped answering mid-command must not hold the finished command.
    await stopWithin(
      [
        { name: 'queues', run: () => app.stop() },
        { name: 'redis', run: () => handle.close() },
      ],
      config.SHUTDOWN_TIMEOUT_SECONDS * 1000,
      logger,
    );
  }
}

/** Checks and saves a case's evidence files into DIR under names Lotse makes (evidence-files.ts). */
/**
 * `account add|reenrol|disable|list`: the browser inbox's accounts. A new account gets a one-time
 * set-up link (valid ENROLMENT_HOURS): the person chooses the passphrase and scans the TOTP QR
 * code there, so that no administrator ever knows either.
 */
async function accountCommand(
  config: ReturnType<typeof loadConfig>,
  redis: Parameters<typeof createApp>[1],
  keys: StaffKeys,
  rest: string[],
  values: { json: boolean; display?: string | undefined; lang: string },
  out: Out,
  say: (key: string, params?: Parameters<typeof text>[1]) => string,
): Promise<number> {
  const [action, rawName] = rest;
  if (keys.privateKey === undefined) throw new UsageError(say('refused.no-key'));
  const accounts = new StaffAccounts(redis, config.REDIS_KEY_PREFIX, keys.privateKey);
  const origin = new URL(config.WEB_ORIGIN ?? `http://127.0.0.1:${String(config.WEB_PORT ?? 8090)}`)
    .origin;
  const link = (token: string) => `${origin}/enrol/${token}`;
  const name = rawName?.trim().toLowerCase();
  if (action === 'list') {
    const list = await accounts.list();
    if (values.json) out(JSON.stringify(list));
    else if (list.length === 0) out(say('account.none'));
    else
      for (const a of list)
        out(
          printable(
            `${a.name.padEnd(20)} ${a.display}  ${say(a.enabled ? (a.enrolled ? 'account.active' : 'account.enrolling') : 'account.disabled')}`,
          ),
        );
    return 0;
  }
  if (name === undefined || (action !== 'add' && action !== 'disable' && action !== 'reenrol'))
    throw new UsageError(USAGE);
  if (action === 'add') {
    const lang = values.lang === 'en' ? 'en' : undefined;
    const added = await accounts.add(name, values.display ?? name, lang);
    if (added.kind !== 'added') {
      out(
        values.json
          ? JSON.stringify({ ok: false, reason: added.kind })
          : say(`account.${added.kind}`, { name }),
      );
      return 3;
    }
    out(
      values.json
        ? JSON.stringify({ ok: true, name, link: link(added.enrolToken) })
        : say('account.added', { name, link: link(added.enrolToken), hours: ENROLMENT_HOURS }),
    );
    return 0;
  }
  if (action === 'reenrol') {
    const token = await accounts.reenrol(name);
    if (token === undefined) {
      out(
        values.json
          ? JSON.stringify({ ok: false, reason: 'unknown' })
          : say('account.unknown', { name }),
      );
      return 3;
    }
    out(
      values.json
        ? JSON.stringify({ ok: true, name, link: link(token) })
        : say('account.added', { name, link: link(token), hours: ENROLMENT_HOURS }),
    );
    return 0;
  }
  const ended = await accounts.disable(name, new WebSessions(redis, config.REDIS_KEY_PREFIX, 60));
  if (!ended) {
    out(
      values.json
        ? JSON.stringify({ ok: false, reason: 'unknown' })
        : say('account.unknown', { name }),
    );
    return 3;
  }
  out(values.json ? JSON.stringify({ ok: true, name }) : say('account.disabledNow', { name }));
  return 0;
}

async function saveFiles(
  app: ReturnType<typeof createApp>,
  caseRef: string,
  report: unknown,
  dir: string,
  keys: StaffKeys,
  say: (key: string) => string,
): Promise<SaveOutcome> {
  const parsed = reportSchema.safeParse(report);
  if (!parsed.success) throw new UsageError(say('refused.unreadable-report'));
  const privateKey = keys.privateKey ?? '';
  return saveEvidence(parsed.data.evidence.files, FolderWriter.open(dir), async (file) => {
    const sealed = await app.cases.getFile(caseRef, file.ref);
    return sealed === null ? null : open(sealed.toString(), privateKey, fileContext(file.ref));
  });
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

// Everything printed passes printable: what a person or a forged Redis value holds cannot move the
// cursor, change colours or reorder a line on the staff terminal.
// Every command ends when its work is done, and every refusal at once, whatever standard input
// is and whatever a connection still waits for.
main(process.argv.slice(2), (line) => {
  process.stdout.write(`${printable(line, { lines: true })}\n`);
}).then(
  (code) => {
    exitWithin(code);
  },
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof StartupError
    ) {
      process.stderr.write(`${printable(error.message, { lines: true })}\n`);
      exitWithin(2);
    } else if (error instanceof UnrecoverableError) {
      process.stderr.write(`${printable(error.message, { lines: true })}\n`);
      exitWithin(1);
    } else {
      process.stderr.write(
        `staff: ${printable(error instanceof Error ? error.message : String(error), { lines: true })}\n`,
      );
      exitWithin(1);
    }
  },
);
