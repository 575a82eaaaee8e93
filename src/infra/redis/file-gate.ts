import type { Redis } from 'ioredis';
import type { FileGate } from '../../bot/file-gate.ts';

/** How long a reservation outlives a crashed download at most. */
const IN_FLIGHT_SECONDS = 15 * 60;
/** How long one look at Redis's memory is trusted. */
const MEMORY_CACHE_MS = 1_000;

// KEYS: in-flight bytes   ARGV: bytes, bytesLeft, ttlSeconds
const RESERVE = `
local held = tonumber(redis.call('GET', KEYS[1]) or '0')
if held + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return 0 end
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

// KEYS: in-flight bytes   ARGV: bytes
const RELEASE = `
local left = redis.call('DECRBY', KEYS[1], ARGV[1])
if left <= 0 then redis.call('DEL', KEYS[1]) end
return left
`;

interface ScriptedRedis extends Redis {
  lotseFileReserve(key: string, bytes: number, left: number, ttl: number): Promise<number>;
  lotseFileRelease(key: string, bytes: number): Promise<number>;
}

/** Reads `name:value` lines of an INFO section. */
function infoNumber(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/**
 * The file gate on Redis: reservations per conversation beside its other keys (same hash tag),
 * and Redis's own view of its memory (INFO memory). Redis runs with `noeviction`: once full, it
 * refuses every write, sessions included; so files stop well before, at `memoryLimitPercent` of
 * `maxmemory` (or of the machine's memory when Redis has no maxmemory).
 */
export class RedisFileGate implements FileGate {
  readonly #redis: ScriptedRedis;
  readonly #prefix: string;
  readonly #percent: number;
  #memory: { at: number; room: boolean } | undefined;

  constructor(redis: Redis, prefix: string, memoryLimitPercent: number) {
    redis.defineCommand('lotseFileReserve', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('lotseFileRelease', { numberOfKeys: 1, lua: RELEASE });
    this.#redis = redis as ScriptedRedis;
    this.#prefix = prefix;
    this.#percent = memoryLimitPercent;
  }

  async roomForFiles(): Promise<boolean> {
    const now = Date.now();
    if (this.#memory !== undefined && now - this.#memory.at < MEMORY_CACHE_MS)
      return this.#memory.room;
    const info = await this.#redis.info('memory');
    const used = infoNumber(info, 'used_memory');
    const limit = infoNumber(info, 'maxmemory') || infoNumber(info, 'total_system_memory');
    const room = limit === 0 || used * 100 < limit * this.#percent;
    this.#memory = { at: now, room };
    return room;
  }

  async reserve(key: string, bytes: number, bytesLeft: number): Promise<boolean> {
    const reserved = await this.#redis.lotseFileReserve(
      this.#key(key),
      bytes,
      bytesLeft,
      IN_FLIGHT_SECONDS,
    );
    return reserved === 1;
  }

  async release(key: string, bytes: number): Promise<void> {
    await this.#redis.lotseFileRelease(this.#key(key), bytes);
  }

  #key(key: string): string {
    return `${this.#prefix}:conv:{${key}}:files-in-flight`;
  }
}
