// Helpers shared by the acceptance checks. No SDK import here: the `server`
// group runs from the repository without the packed tarball.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

export { assert };

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

export function randomFileBytes(size) {
  return new Uint8Array(randomBytes(size));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` until it is truthy or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(predicate, timeoutMs, what) {
  const start = Date.now();
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new assert.AssertionError({ message: `timed out after ${timeoutMs} ms waiting for ${what}` });
    await sleep(10);
  }
}

/** Resolves with the promise's outcome, or fails if it takes longer than `ms` (a hang). */
export function within(ms, promise, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new assert.AssertionError({ message: `${what} did not settle within ${ms} ms (hang)` })),
      ms,
    );
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Settles a promise into { ok, value } | { ok: false, error } without throwing. */
export async function settle(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

export function short(value, max = 300) {
  let s;
  try {
    s = typeof value === 'string' ? value : inspect(value, { depth: 4, breakLength: Infinity });
  } catch {
    s = String(value);
  }
  s = s.replace(/\s+/g, ' ');
  return s.length > max ? s.slice(0, max) + '…' : s;
}

export function describeError(err) {
  if (!err || typeof err !== 'object') return short(err);
  const parts = [`${err.name ?? 'Error'}: ${err.message}`];
  for (const k of ['code', 'status', 'requestId', 'retryable']) if (k in err) parts.push(`${k}=${JSON.stringify(err[k])}`);
  if (err.cause) parts.push(`cause=${short(err.cause, 160)}`);
  return parts.join(' ');
}

const INSPECT = { depth: 12, breakLength: Infinity, maxStringLength: Infinity, maxArrayLength: Infinity, getters: false };

function safeJson(value) {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) ?? '';
  } catch (e) {
    return `<<JSON.stringify threw: ${e?.message}>>`;
  }
}

/** Every text an integrator could end up logging for an error. */
export function errorTexts(err) {
  const out = [];
  if (err && typeof err === 'object') {
    out.push(['message', String(err.message)]);
    out.push(['stack', String(err.stack)]);
    out.push(['JSON.stringify', safeJson(err)]);
    out.push(['util.inspect (console.error)', inspect(err, INSPECT)]);
    out.push(['String()', String(err)]);
    if (err.cause !== undefined) {
      out.push(['cause (inspect)', inspect(err.cause, INSPECT)]);
      out.push(['cause.message', String(err.cause?.message)]);
      out.push(['cause (JSON)', safeJson(err.cause)]);
    }
    if (Array.isArray(err.issues)) out.push(['issues', inspect(err.issues, INSPECT)]);
  } else {
    out.push(['value', String(err)]);
  }
  return out;
}

export function payloadTexts(payload) {
  return [
    ['JSON.stringify', safeJson(payload)],
    ['util.inspect', inspect(payload, INSPECT)],
  ];
}

/**
 * Scans events and errors for secrets. `secrets` is [{ kind, value }].
 * Returns a list of human-readable findings (empty = clean).
 */
export function findLeaks({ events = [], errors = [], logs = [] }, secrets) {
  const findings = [];
  const live = secrets.filter((s) => typeof s.value === 'string' && s.value.length >= 8);
  const scan = (where, texts) => {
    for (const [channel, text] of texts) {
      for (const s of live) {
        if (text.includes(s.value)) findings.push(`${s.kind} found in ${where} [${channel}]`);
      }
    }
  };
  events.forEach((e, i) => scan(`event #${i} '${String(e.type)}' payload`, payloadTexts(e.payload)));
  errors.forEach((e, i) => scan(`error #${i} (${e?.code ?? e?.name})`, errorTexts(e)));
  logs.forEach((l, i) => scan(`log line #${i}`, [['log', typeof l === 'string' ? l : inspect(l, INSPECT)]]));
  return [...new Set(findings)];
}

/** Secrets known to a strict server: app key, client secret, every nonce and temp token it issued. */
export function serverSecrets(server) {
  return [
    { kind: 'client_app_key', value: server.credentials.clientAppKey },
    { kind: 'client_secret', value: server.credentials.clientSecret },
    ...server.issuedNonces.map((value) => ({ kind: 'a nonce', value })),
    ...server.issuedTempTokens.map((value) => ({ kind: 'the temp_token', value })),
  ];
}

/**
 * Asserts the nonce chain of one session on a strict server: every request that
 * carried a nonce was accepted, no nonce was sent twice, and every issued nonce
 * but the session's current one was spent by exactly one request.
 */
export function assertNonceChain(server, sessionId, { allowRejected = false } = {}) {
  const session = server.sessions.get(sessionId);
  assert.ok(session, `server has no session ${sessionId}`);
  const withNonce = server.requests.filter((r) => r.sessionId === sessionId && r.nonce !== undefined);
  // "Used" = accepted and spent by the server. A request the server rejected for another
  // reason (400 invalid_step, a fault, a dropped connection) did not spend its nonce, and an
  // upload answered without a fresh nonce leaves it current (PROTOCOL §4): sending that nonce
  // again is correct. A nonce the client re-sent after it was spent shows up as a rejection.
  const counts = new Map();
  for (const r of withNonce) {
    if (!r.nonceSpent) continue;
    counts.set(r.nonce, (counts.get(r.nonce) ?? 0) + 1);
  }
  const reused = [...counts.entries()].filter(([, n]) => n > 1);
  assert.equal(reused.length, 0, `a nonce was spent ${reused[0]?.[1]} times (requests ${withNonce.filter((r) => r.nonce === reused[0]?.[0]).map((r) => `#${r.seq} ${r.route} -> ${r.status} ${r.code ?? ''}`).join(', ')})`);
  if (!allowRejected) {
    const rejected = withNonce.filter((r) => r.code === 'invalid_nonce' || r.code === 'expired_nonce');
    assert.equal(rejected.length, 0, `server rejected nonce(s): ${rejected.map((r) => `#${r.seq} ${r.route} ${r.code}`).join(', ')}`);
  }
  const unknown = withNonce.filter((r) => !session.nonceHistory.some((e) => e.nonce === r.nonce));
  assert.equal(unknown.length, 0, `requests carried nonces the server never issued for this session: ${unknown.map((r) => '#' + r.seq).join(', ')}`);
  const history = session.nonceHistory;
  history.forEach((entry, i) => {
    const isCurrent = entry.nonce === session.currentNonce;
    if (isCurrent) {
      assert.equal(i, history.length - 1, 'the current nonce is not the latest issued one');
    } else {
      assert.ok(entry.usedBy !== null, `nonce #${i + 1} of the chain (issued by request #${entry.issuedBy}) was never used, yet a later one was issued`);
    }
  });
  return { history, requests: withNonce };
}

export const MiB = 1024 * 1024;
