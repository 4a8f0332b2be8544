import * as z from 'zod/mini';
import type { StorageLike } from './config.js';
import type { Log } from './internal/logger.js';

/**
 * What a session needs to continue after a reload or a bank redirect — and
 * nothing more. The app key and the temp token are never part of it.
 */
export interface StoredSession {
  v: 1;
  baseUrl: string;
  clientId: string;
  sessionId: string;
  skill: string;
  nonce: string;
  nonceIssuedAt: number;
  lastStepId?: string | undefined;
  completedSteps: string[];
}

let schema: z.ZodMiniType<StoredSession> | undefined;

function storedSchema(): z.ZodMiniType<StoredSession> {
  // Built on first use with zod's JIT off; see schemas.ts for why.
  const config = z.config();
  const previous = config.jitless;
  config.jitless = true;
  try {
    schema ??= z.object({
      v: z.literal(1),
      baseUrl: z.string(),
      clientId: z.string(),
      sessionId: z.string().check(z.minLength(1)),
      skill: z.string().check(z.minLength(1)),
      nonce: z.string().check(z.minLength(1)),
      nonceIssuedAt: z.number().check(z.int()),
      lastStepId: z.optional(z.string()),
      completedSteps: z.array(z.string()),
    }) as z.ZodMiniType<StoredSession>;
  } finally {
    config.jitless = previous;
  }
  return schema;
}

/** Reads and writes one session record under one key; every failure of the storage itself is swallowed and logged. */
export class SessionStore {
  readonly #storage: StorageLike | undefined;
  readonly #key: string;
  readonly #log: Log;

  constructor(storage: StorageLike | undefined, key: string, log: Log) {
    this.#storage = storage;
    this.#key = key;
    this.#log = log;
  }

  get enabled(): boolean {
    return this.#storage !== undefined;
  }

  save(record: StoredSession): void {
    if (!this.#storage) return;
    try {
      this.#storage.setItem(this.#key, JSON.stringify(record));
    } catch {
      // Quota or privacy mode: the flow goes on, it just cannot be resumed.
      this.#log('storage: could not save the session');
    }
  }

  clear(): void {
    try {
      this.#storage?.removeItem(this.#key);
    } catch {
      this.#log('storage: could not clear the session');
    }
  }

  /** The stored record if it is well-formed and belongs to this client; otherwise undefined (and a corrupt record is removed). */
  load(baseUrl: string, clientId: string): StoredSession | undefined {
    if (!this.#storage) return undefined;
    let raw: string | null;
    try {
      raw = this.#storage.getItem(this.#key);
    } catch {
      return undefined;
    }
    if (raw === null) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const result = storedSchema().safeParse(parsed);
    if (!result.success) {
      // Never trust what we cannot vouch for; remove it so it cannot confuse a later read.
      this.#log('storage: removed a stored session that is corrupt');
      this.clear();
      return undefined;
    }
    if (result.data.baseUrl !== baseUrl || result.data.clientId !== clientId) {
      this.#log('storage: ignored a stored session of another client');
      return undefined;
    }
    return result.data;
  }
}
