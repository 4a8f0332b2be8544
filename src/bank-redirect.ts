import type { ResolvedConfig, StorageLike } from './config.js';
import { OnboardingError } from './errors.js';
import { safeRedirectUrl } from './redirect.js';

/** What `client.handleRedirect()` resolves with. */
export interface RedirectReturn<S> {
  /** The session the user left for the bank, resumed. */
  session: S;
  /** The return address's other query parameters (e.g. the bank's `error`), `state` removed. */
  params: Record<string, string>;
}

/** The pending redirect kept in `storage` while the user is at the bank. */
interface PendingRedirect {
  state: string;
  sessionId: string;
  /** When the user left (the SDK's clock): a return after the nonce's lifetime is refused. */
  at: number;
}

type Config = Pick<ResolvedConfig, 'storage' | 'storageKey' | 'now' | 'nonceTtlMs'>;

const keyOf = (config: Config) => `${config.storageKey}:redirect`;

/** A fresh unguessable `state`: 128 random bits, hex. */
export const newState = (): string => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b + 256).toString(16).slice(1)).join('');

/** `base` (checked like any redirect target) with `state` set. */
export function withState(base: string, state: string): string {
  const url = new URL(safeRedirectUrl(base));
  url.searchParams.set('state', state);
  return url.href;
}

/** Equal strings in time that depends on the length only, so a guess learns nothing from how fast it is refused. */
function same(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function needStorage(config: Config): StorageLike {
  if (config.storage) return config.storage;
  throw new OnboardingError('invalid_config', 'Bank redirects need `storage`.');
}

/** Records the pending redirect before the page leaves; refuses to navigate when it cannot be recorded (the return could not be verified). */
export function recordRedirect(config: Config, sessionId: string, state: string | undefined): void {
  if (state === undefined) throw new OnboardingError('invalid_state', 'Call session.returnUrl() first.');
  const storage = needStorage(config);
  try {
    storage.setItem(keyOf(config), JSON.stringify({ state, sessionId, at: config.now() } satisfies PendingRedirect));
  } catch {
    throw new OnboardingError('internal_error', 'Could not store the pending redirect; not leaving.');
  }
}

// One result per `state` per storage in a page: a second call (React StrictMode) gets the first one's.
const handled = new WeakMap<StorageLike, Map<string, Promise<RedirectReturn<unknown>>>>();

/**
 * Verifies a return address against the pending redirect, consumes it, cleans
 * the address bar and resumes the session (`resume`). Sends nothing unless the
 * `state` matches: a crafted link cannot drive someone else's session.
 */
export function handleReturn<S>(config: Config, href: string, resume: (sessionId: string) => Promise<S | null>): Promise<RedirectReturn<S>> {
  const storage = needStorage(config);
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    url = new URL('x:');
  }
  const state = url.searchParams.get('state') ?? '';
  let page = handled.get(storage);
  if (!page) handled.set(storage, (page = new Map()));
  let result = page.get(state) as Promise<RedirectReturn<S>> | undefined;
  if (!result) {
    result = (async () => {
      let pending: Partial<PendingRedirect> | undefined;
      try {
        pending = JSON.parse(storage.getItem(keyOf(config)) ?? 'null') ?? undefined;
      } catch {
        pending = undefined;
      }
      const { state: expected, sessionId, at } = pending ?? {};
      if (!state || typeof expected !== 'string' || !same(state, expected) || typeof sessionId !== 'string' || !(config.now() - at! < config.nonceTtlMs)) {
        throw new OnboardingError('redirect_state_mismatch', 'No pending redirect matches this return (missing, wrong, used or expired state); nothing was sent.');
      }
      // Single use: consumed before anything is sent.
      storage.removeItem(keyOf(config));
      url.searchParams.delete('state');
      if (typeof location !== 'undefined' && location.href === href) history.replaceState(history.state, '', url.href);
      const session = await resume(sessionId);
      if (!session) throw new OnboardingError('nonce_expired', 'The session ended while away at the bank.');
      return { session, params: Object.fromEntries(url.searchParams) };
    })();
    page.set(state, result);
  }
  return result;
}
