import type { StorageLike } from './config.js';
import type { Log } from './internal/logger.js';
import { isSafeId } from './internal/url.js';

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
  /** Server ids of `completedSteps`, index for index: uploads after a resume still find their step's rules. */
  stepIds: string[];
  /** Uploads accepted for the last step (its `minFiles` is checked after a resume too). */
  uploads?: number | undefined;
}

/** The record of an active session with a live chain; undefined once it ended (nothing is left to resume). */
export function toRecord(
  { baseUrl, clientId }: { baseUrl: string; clientId: string },
  sessionId: string,
  skill: string,
  { status, lastStepId, completedSteps, stepIds, uploads }: { status: string; lastStepId?: string | undefined; completedSteps: readonly string[]; stepIds: readonly string[]; uploads: number },
  chain: { current: string | undefined; issuedAt: number },
): StoredSession | undefined {
  const nonce = chain.current;
  if (status !== 'active' || nonce === undefined) return undefined;
  return { v: 1, baseUrl, clientId, sessionId, skill, nonce, nonceIssuedAt: chain.issuedAt, lastStepId, completedSteps: [...completedSteps], stepIds: [...stepIds], uploads };
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * Whether a parsed value is a record this SDK wrote. Storage is shared with the
 * rest of the page (other scripts, other tabs' versions of the app), so nothing
 * read back is trusted before every field is checked.
 */
function isStoredSession(v: unknown): v is StoredSession {
  const r = v as Partial<StoredSession> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    r.v === 1 &&
    isString(r.baseUrl) &&
    isString(r.clientId) &&
    // Ids go into URL paths: a tampered `..` must not redirect the next call.
    isSafeId(r.sessionId) &&
    [r.skill, r.nonce].every((s) => isString(s) && s !== '') &&
    Number.isSafeInteger(r.nonceIssuedAt) &&
    (r.lastStepId === undefined || isSafeId(r.lastStepId)) &&
    Array.isArray(r.completedSteps) &&
    r.completedSteps.every(isString) &&
    Array.isArray(r.stepIds) &&
    r.stepIds.length === r.completedSteps.length &&
    r.stepIds.every((id) => id === '' || isSafeId(id)) &&
    (r.uploads === undefined || Number.isSafeInteger(r.uploads))
  );
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

  /**
   * Writes the record — unless the stored one is of the same session with a
   * nonce this copy of it never held: another copy (a twin in another client,
   * another tab) is ahead, and its record must not be set back to a spent nonce.
   */
  save(record: StoredSession, held: readonly string[]): void {
    if (!this.#storage) return;
    const current = this.#read();
    if (current?.sessionId === record.sessionId && typeof current.nonce === 'string' && !held.includes(current.nonce)) return;
    try {
      this.#storage.setItem(this.#key, JSON.stringify(record));
    } catch {
      // Quota or privacy mode: the flow goes on, it just cannot be resumed.
      this.#log('storage: could not save the session');
    }
  }

  /**
   * Removes the record — only if it is `sessionId`'s when one is given, and
   * holds a nonce of `held` when that is given: a session that ends must not
   * wipe the record a newer session, or a copy of it that is ahead, wrote
   * under the same key (another client on the same storage, another tab).
   */
  clear(sessionId?: string, held?: readonly string[]): void {
    try {
      if (sessionId !== undefined) {
        const current = this.#read();
        if (current?.sessionId !== sessionId) return;
        if (held && typeof current.nonce === 'string' && !held.includes(current.nonce)) return;
      }
      this.#storage?.removeItem(this.#key);
    } catch {
      this.#log('storage: could not clear the session');
    }
  }

  /** The parsed record under the key, unchecked; undefined when there is none, `{}` when it is not a JSON object. */
  #read(): Partial<StoredSession> | undefined {
    let raw: string | null | undefined;
    try {
      raw = this.#storage?.getItem(this.#key);
    } catch {
      return undefined; // storage that refuses reads: nothing to trust or to remove
    }
    if (raw == null) return undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null ? parsed : {};
    } catch {
      return {};
    }
  }

  /** The stored record if it is well-formed and belongs to this client; otherwise undefined (and a corrupt record is removed). */
  load(baseUrl: string, clientId: string): StoredSession | undefined {
    if (!this.#storage) return undefined;
    const parsed = this.#read();
    if (parsed === undefined) return undefined;
    if (!isStoredSession(parsed)) {
      // Never trust what we cannot vouch for; remove it so it cannot confuse a later read.
      this.#log('storage: removed a stored session that is corrupt');
      this.clear();
      return undefined;
    }
    if (parsed.baseUrl !== baseUrl || parsed.clientId !== clientId) {
      this.#log('storage: ignored a stored session of another client');
      return undefined;
    }
    return parsed;
  }
}
