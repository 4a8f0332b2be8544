import type { ResolvedConfig } from './config.js';
import { OnboardingError } from './errors.js';
import type { Log } from './internal/logger.js';
import type { OnboardingSessionStatus } from './session-state.js';

/**
 * A session's chain as every tab of the origin sees it. The record lives in
 * IndexedDB, read inside the cross-tab lock: `localStorage` written by one tab
 * can still read old in another (Chromium propagates it asynchronously), and a
 * duplicated tab's `sessionStorage` is a copy that never hears of the
 * original's steps. Other tabs are told of a change by BroadcastChannel,
 * without the nonce: they read it from the record when they act.
 */
export interface SharedChain {
  /** Bumped on every write; a tab adopts a record newer than the last it saw. */
  seq: number;
  status: OnboardingSessionStatus;
  /** The nonce the next call sends; absent once the session ended. */
  nonce?: string | undefined;
  issuedAt: number;
  completedSteps: readonly string[];
  stepIds: readonly string[];
  lastStepId: string | undefined;
  /** Uploads accepted for the last step. */
  uploads: number;
  /** When a tab began a call with the nonce (on its clock); unset between calls. */
  busy?: number | undefined;
}

const ignore = () => {};
let database: Promise<IDBDatabase> | undefined;

/** The origin's one database of shared chains, opened once per page. */
function open(): Promise<IDBDatabase> {
  return (database ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('onboarding-sdk');
    request.onupgradeneeded = () => request.result.createObjectStore('chains');
    request.onsuccess = () => {
      const db = request.result;
      // Another tab (a newer version of the app) upgrading the database: let go, reopen on the next call.
      db.onversionchange = () => {
        db.close();
        database = undefined;
      };
      resolve(db);
    };
    request.onerror = () => reject(request.error);
  }).catch((error: unknown) => {
    database = undefined;
    throw error;
  }));
}

/**
 * One transaction on a session's record: `change` maps the stored record to
 * the one to store, atomically with the read (IndexedDB runs read-write
 * transactions on one store one after another, across tabs); it may throw to
 * refuse. Resolves with the record as it stands after the transaction.
 */
async function transact(id: string, change?: (stored: SharedChain | undefined) => SharedChain | undefined): Promise<SharedChain | undefined> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction('chains', change ? 'readwrite' : 'readonly');
    const store = tx.objectStore('chains');
    const get = store.get(id);
    let result: SharedChain | undefined;
    let refusal: unknown;
    get.onsuccess = () => {
      result = get.result as SharedChain | undefined;
      try {
        const next = change?.(result);
        if (next) store.put((result = next), id);
      } catch (error) {
        refusal = error;
        tx.abort();
      }
    };
    tx.oncomplete = () => resolve(result);
    tx.onabort = tx.onerror = () => reject(refusal ?? tx.error);
  });
}

/** Whether this runtime can coordinate tabs at all (IndexedDB and BroadcastChannel; Web Locks are optional). */
export const canShareTabs = (): boolean => typeof indexedDB !== 'undefined' && typeof BroadcastChannel !== 'undefined';

/** What a session gives its tab sync. */
export interface TabSyncHost {
  /** Applies a newer record another tab wrote (its nonce, when it holds one). */
  adopt: (chain: SharedChain) => void;
  /** This tab's chain as it stands. */
  current: () => Omit<SharedChain, 'seq'>;
  log: Log;
}

/** What tab sync reads of the client's config. */
export type TabSyncConfig = Pick<ResolvedConfig, 'now' | 'uploadTimeoutMs'>;

/**
 * Keeps one session's tabs on one nonce chain. Every call runs holding the
 * session's Web Lock, reads the newest record first (so it sends the nonce
 * whichever tab got it), and writes its own before the lock is let go. Where
 * Web Locks are missing, a `busy` mark written atomically with the read
 * refuses a second tab while a call is out, so no nonce is ever sent twice.
 */
export class TabSync {
  readonly #id: string;
  readonly #host: TabSyncHost;
  readonly #config: TabSyncConfig;
  readonly #channel: BroadcastChannel;
  #seq = 0;
  #closed = false;
  #writing: Promise<unknown> = Promise.resolve();

  constructor(id: string, host: TabSyncHost, config: TabSyncConfig) {
    this.#id = id;
    this.#host = host;
    this.#config = config;
    this.#channel = new BroadcastChannel(`onboarding-sdk:${id}`);
    this.#channel.onmessage = ({ data }: MessageEvent<SharedChain>) => this.#take(data);
    // Node keeps a process alive for an open channel; a session there must not.
    (this.#channel as { unref?: () => void }).unref?.();
    // A tab that resumes (a duplicate, a bank return in a new tab) starts from the newest record.
    transact(id).then((stored) => stored && this.#take(stored), ignore);
  }

  /** Runs `task` as the one tab acting on the session; see the class. */
  async run<T>(signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    const { current } = this.#host;
    // A `busy` mark older than the longest call was left by a tab that closed mid-call.
    const { now, uploadTimeoutMs: maxCallMs } = this.#config;
    const body = async () => {
      let stored: SharedChain | undefined;
      try {
        stored = await transact(this.#id, (record) => {
          if (!locks && record?.busy !== undefined && now() - record.busy < maxCallMs) {
            throw new OnboardingError('invalid_state', 'Another tab is sending on this session; try again once it has finished.', { retryable: true });
          }
          return { ...(record ?? { ...current(), seq: this.#seq }), busy: now() };
        });
      } catch (error) {
        if (error instanceof OnboardingError) throw error;
        // Storage refused (private mode, quota): this tab goes on alone, as without coordination.
        this.#host.log('cross-tab: IndexedDB unavailable; this tab acts alone');
        return task();
      }
      this.#take(stored!, true);
      try {
        return await task();
      } finally {
        // Shared as it changed (see share); a call that changed nothing only lets go of its mark.
        await this.#writing;
        await transact(this.#id, (record) => record && { ...record, busy: undefined }).catch(ignore);
      }
    };
    return locks ? locks.request(`onboarding-sdk:${this.#id}`, { signal }, body) : body();
  }

  /** Writes this tab's chain as the newest and tells the other tabs (without the nonce); called on every change this tab makes. */
  share(): void {
    const chain = { ...this.#host.current(), seq: ++this.#seq };
    this.#writing = transact(this.#id, () => chain).catch(ignore);
    if (!this.#closed) this.#channel.postMessage({ ...chain, nonce: undefined });
  }

  /** Stops listening to the other tabs. */
  close(): void {
    this.#closed = true;
    this.#channel.close();
  }

  /**
   * Applies a record newer than the last seen. A record read under the lock is
   * applied at the same `seq` too: the news of it came without its nonce.
   */
  #take(chain: SharedChain, locked = false): void {
    if (chain.seq < this.#seq || (chain.seq === this.#seq && !locked)) return;
    this.#seq = chain.seq;
    this.#host.adopt(chain);
  }
}

/** A tab sync for the session, or none where the page may not share (an opaque origin: a sandboxed frame, some privacy modes). */
export function tabSync(id: string, host: TabSyncHost, config: TabSyncConfig): TabSync | undefined {
  try {
    return new TabSync(id, host, config);
  } catch {
    host.log('cross-tab: BroadcastChannel refused; this tab acts alone');
    return undefined;
  }
}
