import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Role } from '../config.ts';

/** An API key added through the admin API, as stored: never the key, only its SHA-256 digest. */
export interface StoredApiKey {
  readonly id: string;
  readonly role: Role;
  /** Who or what the key is for, for people; not secret. */
  readonly name: string;
  readonly digest: string;
  readonly createdAt: string;
}

export function keyDigest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * API keys managed at run time (contract, "Roles": admin manages keys). Two Redis hashes: id -> key
 * record, and digest -> id for the look-up on every request. The key itself is shown once, when made.
 */
export class ApiKeyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get byId(): string {
    return `${this.prefix}:apikeys`;
  }
  private get byDigest(): string {
    return `${this.prefix}:apikeys:by-digest`;
  }

  /** Makes a new key; returns the record and the key, which is not kept. */
  async create(role: Role, name: string, nowIso: string): Promise<{ record: StoredApiKey; key: string }> {
    const key = `fbk_${randomBytes(32).toString('base64url')}`;
    const record: StoredApiKey = {
      id: `key_${randomUUID()}`,
      role,
      name,
      digest: keyDigest(key),
      createdAt: nowIso,
    };
    await this.redis
      .multi()
      .hset(this.byId, record.id, JSON.stringify(record))
      .hset(this.byDigest, record.digest, record.id)
      .exec();
    return { record, key };
  }

  async list(): Promise<StoredApiKey[]> {
    return Object.values(await this.redis.hgetall(this.byId))
      .map((json) => JSON.parse(json) as StoredApiKey)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The key whose digest this is, if any. */
  async findByDigest(digest: string): Promise<StoredApiKey | undefined> {
    const id = await this.redis.hget(this.byDigest, digest);
    if (id === null) return undefined;
    const json = await this.redis.hget(this.byId, id);
    return json === null ? undefined : (JSON.parse(json) as StoredApiKey);
  }

  /** Revokes a key at once; false when there is no such key. */
  async remove(id: string): Promise<boolean> {
    const json = await this.redis.hget(this.byId, id);
    if (json === null) return false;
    const record = JSON.parse(json) as StoredApiKey;
    await this.redis.multi().hdel(this.byId, id).hdel(this.byDigest, record.digest).exec();
    return true;
  }
}
