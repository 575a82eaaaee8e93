import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { MESSENGERS } from '../bot/types.ts';
import { LANGUAGES } from '../flows/types.ts';
import type { CaseFacets } from './case-facets.ts';
import { CASE_STATUSES, type CaseStatus } from './ports.ts';

/**
 * Cases in Redis. Plain fields hold only what staff lists and anonymous statistics need
 * (reference, status, categories, Land, role, urgency, times, assignee). The report, the reply
 * address, notes and messages are sealed boxes (src/staff/seal.ts). A claim is case state, never a
 * held job lock: it lasts as long as staff need.
 */

/** The plain part of a case. */
export const caseRecordSchema = z.object({
  caseRef: z.string(),
  status: z.enum(CASE_STATUSES),
  urgent: z.boolean(),
  kinds: z.array(z.string()),
  state: z.string(),
  role: z.string(),
  /** How it happened (online, letter …). */
  channel: z.string(),
  /** The messenger the report came through. */
  platform: z.string(),
  /** The person's language, for replies. */
  lang: z.enum(LANGUAGES),
  /**
   * Where replies go (platform, user and chat id). The bot knows this anyway; it says which chat
   * reported, never what. Erased with the case.
   */
  address: z.object({
    platform: z.enum(MESSENGERS),
    userId: z.string(),
    chatId: z.string(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
  claimedAt: z.string().optional(),
  closedAt: z.string().optional(),
  waitingSince: z.string().optional(),
  assignee: z.string().optional(),
  /** The actor id of the assignee (the one who may hand the case back); absent in older cases. */
  assigneeId: z.string().optional(),
  /** The outcome staff wrote when closing, sealed (it may name people or steps taken). */
  outcome: z.string().optional(),
  eraseRequested: z.boolean(),
  conv: z.string(),
});

export type CaseRecord = z.infer<typeof caseRecordSchema>;

/** One line of the append-only audit trail: who did what, never content. */
export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly detail?: string;
}

/**
 * What a transition did: moved (or kept) the case, found no case, found it in a status the action
 * may not start from, or found it claimed by someone other than the one the action is reserved for.
 */
export type TransitionResult = 'ok' | 'unknown' | 'not-assignee' | { readonly from: CaseStatus };

/** Optional conditions and removals of a transition, checked and done in the same atomic step. */
export interface TransitionOptions {
  /**
   * Only the assignee may do it: the case's assignee id must be this actor id (older cases that
   * carry no assignee id: their assignee name must be `name`). A case nobody has claimed passes.
   */
  readonly assignee?: { readonly id: string; readonly name: string };
  /** Fields removed from the case (e.g. the claim, when a case is handed back). */
  readonly remove?: readonly string[];
}

/**
 * Keeps a conversation's reference index (a sorted set: reference → when its data is gone, in ms,
 * `inf` while queued or open) expiring with its last closed case, and never while one is open.
 */
const SETTLE_REFS = `
local function settle(key, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) == 0 then return end
  if redis.call('ZCOUNT', key, '+inf', '+inf') > 0 then
    redis.call('PERSIST', key)
  else
    local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
    redis.call('PEXPIREAT', key, last[2])
  end
end
`;

// KEYS: case, audit, cases index, conv refs, stats, withdrawn marker
// ARGV: ref, createdAtMs, audit json, conv, then field/value pairs, '--', stats fields…
const CREATE = `${SETTLE_REFS}
if redis.call('EXISTS', KEYS[6]) == 1 then return -1 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local i = 5
while ARGV[i] ~= '--' do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
for j = i + 1, #ARGV do redis.call('HINCRBY', KEYS[5], ARGV[j], 1) end
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], 'inf', ARGV[1])
settle(KEYS[4], ARGV[2])
return 1
`;

// KEYS: conv refs   ARGV: ref, score ('inf' or ms when gone), now ms
const TRACK = `${SETTLE_REFS}
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
settle(KEYS[1], ARGV[3])
`;

// KEYS: conv refs, legacy conv set, cases index, then every key of the reference   ARGV: ref, now ms
const ERASE = `${SETTLE_REFS}
for i = 4, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
settle(KEYS[1], ARGV[2])
return 1
`;

// KEYS: conv refs, legacy conv set, then every key of the case   ARGV: ref, seconds, now ms
const EXPIRE = `${SETTLE_REFS}
for i = 3, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3] + ARGV[2] * 1000, ARGV[1])
settle(KEYS[1], ARGV[3])
return 1
`;

// KEYS: case, audit   ARGV: allowed csv, new status ('' keeps), now, audit json, assignee id
// ('' for anyone; a case nobody claimed is anyone's), assignee name, fields to remove (csv, '' for none), field/value pairs…
const TRANSITION = `
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return 'unknown' end
if not string.find(',' .. ARGV[1] .. ',', ',' .. st .. ',', 1, true) then return 'from:' .. st end
if ARGV[5] ~= '' then
  local id = redis.call('HGET', KEYS[1], 'assigneeId')
  if id then
    if id ~= ARGV[5] then return 'not-assignee' end
  else
    local name = redis.call('HGET', KEYS[1], 'assignee')
    if name and name ~= ARGV[6] then return 'not-assignee' end
  end
end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'status', ARGV[2]) end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[3])
for field in string.gmatch(ARGV[7], '[^,]+') do redis.call('HDEL', KEYS[1], field) end
for i = 8, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('RPUSH', KEYS[2], ARGV[4])
return 'ok'
`;

// KEYS: case, deliveries   ARGV: message id, sealed status, '1' to add a new entry ('0' updates only)
const SET_DELIVERY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[3] ~= '1' and redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
`;

// KEYS: case, audit, details, stats of the case's month
// ARGV: allowed csv, now, audit json, sealed details, month, urgent ('1'/'0'), role, state,
//       channel, kinds json
// A short report's details as they stand: kept beside a report not yet a case ('kept'; the worker
// takes them in), else the case's facets move to them and the month's counters with them.
const DETAILS = `
local st = redis.call('HGET', KEYS[1], 'status')
if not st then
  redis.call('SET', KEYS[3], ARGV[4])
  return 'kept'
end
if not string.find(',' .. ARGV[1] .. ',', ',' .. st .. ',', 1, true) then return 'from:' .. st end
local month = string.sub(redis.call('HGET', KEYS[1], 'createdAt') or '', 1, 7)
if month ~= ARGV[5] then return 'month:' .. month end
redis.call('SET', KEYS[3], ARGV[4])
-- A counter that drops to nothing goes, as if it had never been counted.
local function down(counter)
  if redis.call('HINCRBY', KEYS[4], counter, -1) <= 0 then redis.call('HDEL', KEYS[4], counter) end
end
local function move(field, value, prefix)
  local old = redis.call('HGET', KEYS[1], field)
  if old == value then return end
  redis.call('HSET', KEYS[1], field, value)
  if old then down(prefix .. old) end
  redis.call('HINCRBY', KEYS[4], prefix .. value, 1)
end
move('role', ARGV[7], 'role:')
move('state', ARGV[8], 'state:')
move('channel', ARGV[9], 'channel:')
local kinds = redis.call('HGET', KEYS[1], 'kinds') or '[]'
if kinds ~= ARGV[10] then
  for _, kind in ipairs(cjson.decode(kinds)) do down('kind:' .. kind) end
  for _, kind in ipairs(cjson.decode(ARGV[10])) do redis.call('HINCRBY', KEYS[4], 'kind:' .. kind, 1) end
  redis.call('HSET', KEYS[1], 'kinds', ARGV[10])
end
local urgent = redis.call('HGET', KEYS[1], 'urgent')
if urgent ~= ARGV[6] then
  redis.call('HSET', KEYS[1], 'urgent', ARGV[6])
  if ARGV[6] == '1' then redis.call('HINCRBY', KEYS[4], 'urgent', 1) else down('urgent') end
end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[3])
return 'ok'
`;

interface ScriptedRedis extends Redis {
  lotseCaseSetDelivery(...args: (string | number)[]): Promise<number>;
  lotseCaseCreate(...args: (string | number)[]): Promise<number>;
  lotseCaseTransition(...args: (string | number)[]): Promise<string>;
  lotseCaseDetails(...args: (string | number)[]): Promise<string>;
  lotseCaseTrack(...args: (string | number)[]): Promise<unknown>;
  lotseCaseErase(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
  lotseCaseExpire(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
}

/** What `create` did: made the case, found it made already, or found the report withdrawn. */
export type CreateResult = 'created' | 'exists' | 'withdrawn';

/** A new case's plain fields and sealed payload. */
export interface NewCase {
  readonly record: Omit<CaseRecord, 'status' | 'updatedAt' | 'eraseRequested'>;
  /** Sealed {report, address}. */
  readonly sealed: string;
  readonly actor: string;
}

export class CaseStore {
  readonly #redis: ScriptedRedis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    redis.defineCommand('lotseCaseCreate', { numberOfKeys: 6, lua: CREATE });
    redis.defineCommand('lotseCaseTransition', { numberOfKeys: 2, lua: TRANSITION });
    redis.defineCommand('lotseCaseDetails', { numberOfKeys: 4, lua: DETAILS });
    redis.defineCommand('lotseCaseTrack', { numberOfKeys: 1, lua: TRACK });
    redis.defineCommand('lotseCaseSetDelivery', { numberOfKeys: 2, lua: SET_DELIVERY });
    // Key counts vary with the case's files: given per call.
    redis.defineCommand('lotseCaseErase', { lua: ERASE });
    redis.defineCommand('lotseCaseExpire', { lua: EXPIRE });
    this.#redis = redis as ScriptedRedis;
    this.#prefix = prefix;
  }

  /** A pseudonym of a conversation key, so cases can be found from a chat without naming it. */
  convId(conversationKey: string): string {
    return createHash('sha256')
      .update(`${this.#prefix}:conv:${conversationKey}`)
      .digest('base64url')
      .slice(0, 22);
  }

  keys(caseRef: string) {
    const base = `${this.#prefix}:case:{${caseRef}}`;
    return {
      case: base,
      audit: `${base}:audit`,
      notes: `${base}:notes`,
      messages: `${base}:messages`,
      /** The delivery status of each staff reply, by message id (src/staff/delivery.ts). */
      deliveries: `${base}:deliveries`,
      /** A short report's details since it was sent, sealed (the newest replaces the one before). */
      details: `${base}:details`,
      file: (id: string) => `${base}:file:${id}`,
    };
  }

  #index(): string {
    return `${this.#prefix}:cases`;
  }

  /**
   * Every report of a conversation still stored – queued, open or closed – for "delete my data"
   * (the bot cannot open the sealed reports to find them).
   */
  #convRefs(conv: string): string {
    return `${this.#prefix}:conv-refs:${conv}`;
  }

  /** Where earlier versions kept a conversation's open cases (read and cleaned, never written). */
  #legacyConvCases(conv: string): string {
    return `${this.#prefix}:conv-cases:${conv}`;
  }

  /** Set when the person withdrew a report before it became a case: the worker drops it. */
  #withdrawnKey(caseRef: string): string {
    return `${this.#prefix}:withdrawn:{${caseRef}}`;
  }

  /** The key of a month's anonymous counters. */
  statsKey(month: string): string {
    return `${this.#prefix}:stats:${month}`;
  }

  /**
   * Creates a case once: `exists` when it was made already (at-least-once delivery), `withdrawn`
   * when the person erased their data while the report was queued.
   */
  async create(input: NewCase): Promise<CreateResult> {
    const k = this.keys(input.record.caseRef);
    const r = input.record;
    const fields: Record<string, string> = {
      caseRef: r.caseRef,
      status: 'new',
      urgent: r.urgent ? '1' : '0',
      kinds: JSON.stringify(r.kinds),
      state: r.state,
      role: r.role,
      channel: r.channel,
      platform: r.platform,
      lang: r.lang,
      address: JSON.stringify(r.address),
      createdAt: r.createdAt,
      updatedAt: r.createdAt,
      eraseRequested: '0',
      conv: r.conv,
      sealed: input.sealed,
    };
    const stats = [
      'total',
      `state:${r.state}`,
      `role:${r.role}`,
      `channel:${r.channel}`,
      `platform:${r.platform}`,
      ...r.kinds.map((kind) => `kind:${kind}`),
      ...(r.urgent ? ['urgent'] : []),
    ];
    const created = await this.#redis.lotseCaseCreate(
      k.case,
      k.audit,
      this.#index(),
      this.#convRefs(r.conv),
      this.statsKey(r.createdAt.slice(0, 7)),
      this.#withdrawnKey(r.caseRef),
      r.caseRef,
      Date.parse(r.createdAt),
      JSON.stringify({
        at: r.createdAt,
        actor: input.actor,
        action: 'created',
      } satisfies AuditEntry),
      r.conv,
      ...Object.entries(fields).flat(),
      '--',
      ...stats,
    );
    return created === 1 ? 'created' : created === -1 ? 'withdrawn' : 'exists';
  }

  /** Notes a submitted report under its conversation before it is queued (see `refsOf`). */
  async track(conv: string, caseRef: string, now: Date): Promise<void> {
    await this.#redis.lotseCaseTrack(this.#convRefs(conv), caseRef, 'inf', now.getTime());
  }

  /**
   * The references of a conversation's reports still stored: queued (or kept aside), open or
   * closed within the retention period. Some may be gone already (a report removed by hand).
   */
  async refsOf(conv: string, now: Date): Promise<string[]> {
    const key = this.#convRefs(conv);
    await this.#redis.zremrangebyscore(key, '-inf', String(now.getTime()));
    const refs = await this.#redis.zrange(key, '0', '-1');
    const legacy = await this.#redis.smembers(this.#legacyConvCases(conv));
    return [...new Set([...refs, ...legacy])];
  }

  /**
   * Marks a report as withdrawn by the person (for 30 days, longer than a queued report waits for
   * its files): the worker will not make a case of it.
   */
  async withdraw(caseRef: string): Promise<void> {
    await this.#redis.set(this.#withdrawnKey(caseRef), '1', 'EX', 30 * 86_400);
  }

  /** Forgets a withdrawn report that no worker holds: its index entry and its mark. */
  async untrack(conv: string, caseRef: string, now: Date): Promise<void> {
    await this.erase(caseRef, conv, now);
  }

  async get(caseRef: string): Promise<CaseRecord | undefined> {
    const raw = await this.#redis.hgetall(this.keys(caseRef).case);
    return parseRecord(raw);
  }

  /** The sealed {report, address} of a case. */
  async sealed(caseRef: string): Promise<string | undefined> {
    return (await this.#redis.hget(this.keys(caseRef).case, 'sealed')) ?? undefined;
  }

  /** All cases still stored, newest first; erased ones are dropped from the index on the way. */
  async list(): Promise<CaseRecord[]> {
    const refs = await this.#redis.zrevrange(this.#index(), 0, -1);
    if (refs.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const ref of refs) pipeline.hgetall(this.keys(ref).case);
    const rows = (await pipeline.exec()) ?? [];
    const records: CaseRecord[] = [];
    const gone: string[] = [];
    rows.forEach(([, raw], i) => {
      const record = parseRecord(raw as Record<string, string>);
      if (record) records.push(record);
      else if (refs[i] !== undefined) gone.push(refs[i]);
    });
    if (gone.length > 0) await this.#redis.zrem(this.#index(), ...gone);
    return records;
  }

  /**
   * Changes a case when its status is one of `allowed`, writing the audit line in the same step.
   * Returns the status found when the change is not allowed, `not-assignee` when the options
   * reserve it for the assignee and the actor is someone else.
   */
  async transition(
    caseRef: string,
    allowed: readonly CaseStatus[],
    to: CaseStatus | undefined,
    audit: AuditEntry,
    fields: Record<string, string> = {},
    options: TransitionOptions = {},
  ): Promise<TransitionResult> {
    const k = this.keys(caseRef);
    const result = await this.#redis.lotseCaseTransition(
      k.case,
      k.audit,
      allowed.join(','),
      to ?? '',
      audit.at,
      JSON.stringify(audit),
      options.assignee?.id ?? '',
      options.assignee?.name ?? '',
      (options.remove ?? []).join(','),
      ...Object.entries(fields).flat(),
    );
    if (result === 'ok' || result === 'unknown' || result === 'not-assignee') return result;
    return { from: z.enum(CASE_STATUSES).parse(result.slice('from:'.length)) };
  }

  /**
   * Keeps a short report's details as they stand (sealed) and moves the case's facets and the
   * statistics of its month to them, with the audit line, in one step – when the case's status is
   * one of `allowed`. `kept`: no case yet, the details wait beside the queued report.
   */
  async details(
    caseRef: string,
    allowed: readonly CaseStatus[],
    sealed: string,
    facets: CaseFacets,
    audit: AuditEntry,
  ): Promise<TransitionResult | 'kept'> {
    const k = this.keys(caseRef);
    // The counters are the month's the case was made in; a case made meanwhile names its month.
    let month = (await this.#redis.hget(k.case, 'createdAt'))?.slice(0, 7) ?? audit.at.slice(0, 7);
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await this.#redis.lotseCaseDetails(
        k.case,
        k.audit,
        k.details,
        this.statsKey(month),
        allowed.join(','),
        audit.at,
        JSON.stringify(audit),
        sealed,
        month,
        facets.urgent ? '1' : '0',
        facets.role,
        facets.state,
        facets.channel,
        JSON.stringify(facets.kinds),
      );
      if (result === 'ok' || result === 'unknown' || result === 'kept') return result;
      if (!result.startsWith('month:'))
        return { from: z.enum(CASE_STATUSES).parse(result.slice('from:'.length)) };
      month = result.slice('month:'.length);
    }
    throw new Error(`case ${caseRef} has no readable month`);
  }

  /** A short report's details since it was sent, sealed; undefined when none were added. */
  async detailsOf(caseRef: string): Promise<string | undefined> {
    return (await this.#redis.get(this.keys(caseRef).details)) ?? undefined;
  }

  /** Forgets details kept for a report that turned out to be gone. */
  async dropDetails(caseRef: string): Promise<void> {
    await this.#redis.del(this.keys(caseRef).details);
  }

  async addNote(caseRef: string, sealed: string): Promise<void> {
    await this.#redis.rpush(this.keys(caseRef).notes, sealed);
  }

  async addMessage(caseRef: string, sealed: string): Promise<void> {
    await this.#redis.rpush(this.keys(caseRef).messages, sealed);
  }

  async notes(caseRef: string): Promise<string[]> {
    return this.#redis.lrange(this.keys(caseRef).notes, 0, -1);
  }

  async messages(caseRef: string): Promise<string[]> {
    return this.#redis.lrange(this.keys(caseRef).messages, 0, -1);
  }

  /**
   * Stores a reply's sealed delivery status, in one step with the checks: only while the case
   * exists (an erased case gets no key back), and unless `add`, only for a reply already listed;
   * the entry expires with a closed case. False when nothing was stored.
   */
  async setDelivery(
    caseRef: string,
    messageId: string,
    sealed: string,
    add: boolean,
  ): Promise<boolean> {
    const k = this.keys(caseRef);
    const stored = await this.#redis.lotseCaseSetDelivery(
      k.case,
      k.deliveries,
      messageId,
      sealed,
      add ? '1' : '0',
    );
    return stored === 1;
  }

  /** The sealed delivery status of each staff reply of a case, by message id. */
  async deliveries(caseRef: string): Promise<Record<string, string>> {
    return this.#redis.hgetall(this.keys(caseRef).deliveries);
  }

  async audit(caseRef: string): Promise<AuditEntry[]> {
    const lines = await this.#redis.lrange(this.keys(caseRef).audit, 0, -1);
    return lines.map((line) => JSON.parse(line) as AuditEntry);
  }

  async putFile(caseRef: string, id: string, sealed: Buffer): Promise<void> {
    await this.#redis.set(this.keys(caseRef).file(id), sealed);
  }

  async getFile(caseRef: string, id: string): Promise<Buffer | null> {
    return this.#redis.getBuffer(this.keys(caseRef).file(id));
  }

  /**
   * After closing: every key of the case expires after the retention period, in one step, and
   * so does the case's entry in its conversation's index.
   */
  async expire(caseRef: string, conv: string, seconds: number, now: Date): Promise<void> {
    const keys = await this.#allKeys(caseRef);
    await this.#redis.lotseCaseExpire(
      2 + keys.length,
      this.#convRefs(conv),
      this.#legacyConvCases(conv),
      ...keys,
      caseRef,
      seconds,
      now.getTime(),
    );
  }

  /** Every key of a case: record, audit, notes, messages, delivery statuses, details and files. */
  async #allKeys(caseRef: string): Promise<string[]> {
    const k = this.keys(caseRef);
    return [
      k.case,
      k.audit,
      k.notes,
      k.messages,
      k.deliveries,
      k.details,
      ...(await this.#fileKeys(caseRef)),
    ];
  }

  /** The keys of a case's evidence files. */
  async #fileKeys(caseRef: string): Promise<string[]> {
    const pattern = this.keys(caseRef).file('*');
    const files: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
      cursor = next;
      files.push(...found);
    } while (cursor !== '0');
    return files;
  }

  /**
   * Deletes every key of a case now, in one step (no case is ever left half-erased, its record
   * gone but its boxes there or the other way round); the anonymous counters stay.
   */
  async erase(caseRef: string, conv: string, now: Date): Promise<void> {
    const keys = [...(await this.#allKeys(caseRef)), this.#withdrawnKey(caseRef)];
    await this.#redis.lotseCaseErase(
      3 + keys.length,
      this.#convRefs(conv),
      this.#legacyConvCases(conv),
      this.#index(),
      ...keys,
      caseRef,
      now.getTime(),
    );
  }

  /** Anonymous counters of the months from `from` to `to` (YYYY-MM). */
  /**
   * A confirmation by repetition: false the first time (and remembers it for `seconds`), true
   * when the same thing is asked again within that time (and forgets it).
   */
  async repeated(what: string, seconds: number): Promise<boolean> {
    const key = `${this.#prefix}:staff:confirm:{${what}}`;
    if ((await this.#redis.del(key)) === 1) return true;
    await this.#redis.set(key, '1', 'EX', seconds);
    return false;
  }

  async stats(from: string, to: string): Promise<Map<string, Record<string, number>>> {
    const months: string[] = [];
    for (let m = from; m <= to; m = nextMonth(m)) months.push(m);
    const result = new Map<string, Record<string, number>>();
    for (const month of months) {
      const raw = await this.#redis.hgetall(this.statsKey(month));
      if (Object.keys(raw).length > 0)
        result.set(
          month,
          Object.fromEntries(Object.entries(raw).map(([k2, v]) => [k2, Number(v)])),
        );
    }
    return result;
  }
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

function parseRecord(raw: Record<string, string> | null | undefined): CaseRecord | undefined {
  if (raw === null || raw === undefined || raw['caseRef'] === undefined) return undefined;
  const parsed = caseRecordSchema.safeParse({
    ...raw,
    urgent: raw['urgent'] === '1',
    eraseRequested: raw['eraseRequested'] === '1',
    kinds: JSON.parse(raw['kinds'] ?? '[]') as unknown,
    address: JSON.parse(raw['address'] ?? 'null') as unknown,
  });
  return parsed.success ? parsed.data : undefined;
}
