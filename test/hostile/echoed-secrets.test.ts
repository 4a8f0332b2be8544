/**
 * Attack: a server (or the integrator's own backend, through onTempToken)
 * echoes a secret back — in the error's `code`, its `id`, its `message`,
 * embedded in a longer word, percent-encoded, form-encoded or JSON-escaped.
 * Whatever the SDK turns that into (the error's fields, its JSON and string
 * forms, the `error` event, log lines) must hold the secret in none of
 * those forms. A short app key (3 characters) is still a key.
 */
import { describe, expect, it } from 'vitest';
import { OnboardingClient, isOnboardingError, type OnboardingClientConfig, type OnboardingError } from '../../src/index.js';
import { exchangeTempToken } from '../../src/server/index.js';
import { apiError, describeOutcome, settle, useServers } from './server.js';

const servers = useServers();

const CLIENT_ID = 'echo-client';
const APP_KEY = 'echo-app-key-3f9d1c7b';
const SHORT_APP_KEY = 'k9x';
const CLIENT_SECRET = 'echo-client-secret-a61e0d94';
/** Characters that change under every encoding: `/ + = space " & \`. */
const TEMP_TOKEN = 'tt/+= "&\\ secret-TOKEN-1';

// ---------------------------------------------------------------------------
// The leak check
// ---------------------------------------------------------------------------

/** The forms a secret takes when something echoes it: as is, percent-encoded, form-encoded, JSON-escaped. */
function encodingsOf(secret: string): Record<string, string> {
  return {
    raw: secret,
    encodeURIComponent: encodeURIComponent(secret),
    'form-encoded (URLSearchParams)': new URLSearchParams({ s: secret }).toString().slice('s='.length),
    'JSON-escaped': JSON.stringify(secret).slice(1, -1),
  };
}

/** The same forms as they appear inside JSON text (a form JSON-escaped once or twice more), for searching serialised payloads. */
function formsInJson(secret: string): Record<string, string> {
  const base = Object.entries(encodingsOf(secret));
  const escape = (text: string) => JSON.stringify(text).slice(1, -1);
  return Object.fromEntries([
    ...base,
    ...base.map(([name, form]) => [`${name}, inside JSON`, escape(form)]),
    ...base.map(([name, form]) => [`${name}, inside JSON inside JSON`, escape(escape(form))]),
  ]);
}

/** Every string reachable from `value`, with where it was found; an Error's message, stack, code, id and cause included. */
function stringsIn(value: unknown, where: string, out: Array<[string, string]> = [], seen = new Set<unknown>()): Array<[string, string]> {
  if (typeof value === 'string') {
    out.push([where, value]);
    return out;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return out;
  seen.add(value);
  if (value instanceof Error) {
    out.push([`${where} String()`, String(value)]);
    out.push([`${where} JSON.stringify`, JSON.stringify(value)]);
    for (const key of ['message', 'stack', 'code', 'requestId', 'cause'] as const) {
      stringsIn((value as unknown as Record<string, unknown>)[key], `${where}.${key}`, out, seen);
    }
  }
  for (const [key, inner] of Object.entries(value)) stringsIn(inner, `${where}.${key}`, out, seen);
  return out;
}

/** The distinct forms of `secret` to search for, each with the names of the encodings that give it. */
function searchForms(secret: string): Array<[form: string, names: string]> {
  const byForm = new Map<string, string[]>();
  for (const [name, form] of Object.entries(formsInJson(secret))) byForm.set(form, [...(byForm.get(form) ?? []), name]);
  return [...byForm].map(([form, names]) => [form, names[0]!]);
}

/** Where `secret` shows in `value` (its strings, and its JSON form): one line per place, with an excerpt. */
function leaksOf(value: unknown, label: string, secret: string): string[] {
  let json = '';
  try {
    json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? '';
  } catch {
    json = '';
  }
  const texts: Array<[string, string]> = [...stringsIn(value, label), [`JSON.stringify(${label})`, json]];
  const found = new Set<string>();
  for (const [where, text] of texts) {
    for (const [form, names] of searchForms(secret)) {
      const at = text.indexOf(form);
      if (at < 0) continue;
      const excerpt = text.slice(Math.max(0, at - 30), at + form.length + 10).replace(/\s+/g, ' ');
      found.add(`${where} holds it (${names}): …${excerpt}…`);
      break;
    }
  }
  return [...found];
}

/** Asserts that no form of any secret is in anything the SDK produced. */
function expectNoLeak(produced: Record<string, unknown>, secrets: string[]): void {
  const leaks = Object.entries(produced).flatMap(([label, value]) => secrets.flatMap((secret) => leaksOf(value, label, secret)));
  expect(leaks.slice(0, 6).join('\n'), `${leaks.length} places hold a secret; the first ones`).toBe('');
}

it('the leak check finds a secret in each of its forms (a check of the check)', () => {
  const forms = encodingsOf(TEMP_TOKEN);
  expect(new Set(Object.values(forms)).size).toBe(4);
  for (const form of Object.values(forms)) {
    expect(leaksOf(new Error(`x ${form} y`), 'e', TEMP_TOKEN)).not.toEqual([]);
    expect(leaksOf({ payload: { message: `x ${form} y` } }, 'p', TEMP_TOKEN)).not.toEqual([]);
    expect(leaksOf([[`x ${form} y`]], 'log', TEMP_TOKEN)).not.toEqual([]);
  }
  expect(leaksOf(new Error('x', { cause: new Error(JSON.stringify({ t: TEMP_TOKEN })) }), 'e', TEMP_TOKEN)).not.toEqual([]);
  expect(leaksOf(new Error('clean [redacted]'), 'e', TEMP_TOKEN)).toEqual([]);
});

// ---------------------------------------------------------------------------
// A watched client
// ---------------------------------------------------------------------------

/** A client whose log lines and events are all kept. */
function watched(overrides: Partial<OnboardingClientConfig> = {}) {
  const logs: unknown[][] = [];
  const events: Array<{ type: string; payload: unknown }> = [];
  const client = new OnboardingClient({
    baseUrl: servers.hostile.baseUrl,
    clientId: CLIENT_ID,
    clientAppKey: APP_KEY,
    onTempToken: () => {},
    timeoutMs: 3_000,
    logger: { debug: (...args: unknown[]) => void logs.push(args) },
    ...overrides,
  });
  client.on('*', (type, payload) => events.push({ type: String(type), payload }));
  return { client, logs, events };
}

async function failure(call: Promise<unknown>): Promise<OnboardingError> {
  const outcome = await settle(call);
  expect(outcome.ok, `expected a rejection, but the call ${describeOutcome(outcome)}`).toBe(false);
  const error = (outcome as { error: unknown }).error;
  expect(isOnboardingError(error), describeOutcome(outcome)).toBe(true);
  return error as OnboardingError;
}

// ---------------------------------------------------------------------------
// The app key, echoed by the API
// ---------------------------------------------------------------------------

describe('an API error that echoes the app key', () => {
  const echoes = (key: string) => ({
    'in code and id, verbatim': { id: key, code: key, message: `bad key ${key}` },
    'embedded in code and id': { id: `req-${key}`, code: `bad_${key}`, message: `client_app_key=${key} is not valid` },
    'percent-encoded and JSON-escaped in the message': {
      id: 'e-1',
      code: 'invalid_client_app_key',
      message: `got ${encodeURIComponent(key)} in ${JSON.stringify({ client_app_key: key })}`,
    },
  });

  for (const [how, body] of Object.entries(echoes(APP_KEY))) {
    it(`${how}: startSession's error, its JSON and string forms, the error event and the log hold no trace of the key`, async () => {
      servers.hostile.route('POST', '/v1/sessions', apiError(400, body));
      const { client, logs, events } = watched();
      const error = await failure(client.startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' }));
      expect(error.status).toBe(400);
      expect(typeof error.code === 'string' && error.code !== '').toBe(true);
      expect(events.some((e) => e.type === 'error')).toBe(true);
      expectNoLeak({ error, code: error.code, requestId: error.requestId, events, logs }, [APP_KEY]);
    });
  }

  it('in code, id and message of a step’s error: submitStep’s error, the error event and the log hold no trace of the key', async () => {
    const { client, logs, events } = watched();
    const session = await client.startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' });
    servers.hostile.route('POST', `/v1/sessions/${session.id}/steps`, apiError(400, { id: `id-${APP_KEY}`, code: `bad_${APP_KEY}`, message: APP_KEY }));
    const error = await failure(session.submitStep('product_form', { value: '1' }));
    expect(error.status).toBe(400);
    expectNoLeak({ error, code: error.code, requestId: error.requestId, events, logs }, [APP_KEY]);
  });

  for (const [how, body] of Object.entries(echoes(SHORT_APP_KEY))) {
    it(`${how}, for a 3-character app key: the short key is redacted too`, async () => {
      servers.hostile.route('POST', '/v1/sessions', apiError(400, body));
      const { client, logs, events } = watched({ clientAppKey: SHORT_APP_KEY });
      const error = await failure(client.startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' }));
      expect(error.status).toBe(400);
      expectNoLeak({ error, code: error.code, requestId: error.requestId, events, logs }, [SHORT_APP_KEY]);
    });
  }
});

// ---------------------------------------------------------------------------
// The client secret and the temp token, echoed by /tokens
// ---------------------------------------------------------------------------

describe('a /tokens error that echoes the client secret and the temp token', () => {
  const cases = {
    'the client secret in code, id and message': {
      id: `req-${CLIENT_SECRET}`,
      code: CLIENT_SECRET,
      message: `client_secret ${CLIENT_SECRET} (${encodeURIComponent(CLIENT_SECRET)}) is wrong`,
    },
    'the temp token in code, id and message, raw and encoded': {
      id: TEMP_TOKEN,
      code: `invalid_${TEMP_TOKEN}`,
      message: `temp_token=${encodeURIComponent(TEMP_TOKEN)}; ${new URLSearchParams({ temp_token: TEMP_TOKEN })}; ${JSON.stringify({ temp_token: TEMP_TOKEN })}; ${TEMP_TOKEN}`,
    },
  };

  for (const [how, body] of Object.entries(cases)) {
    it(`${how}: exchangeTempToken's error and log lines hold no trace of either`, async () => {
      servers.hostile.route('POST', '/v1/tokens', apiError(401, { type: 'unauthorized', ...body }));
      const logs: unknown[][] = [];
      const error = await failure(
        exchangeTempToken({
          baseUrl: servers.hostile.baseUrl,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          tempToken: TEMP_TOKEN,
          timeoutMs: 3_000,
          logger: { debug: (...args: unknown[]) => void logs.push(args) },
        }),
      );
      expect(error.status).toBe(401);
      expectNoLeak({ error, code: error.code, requestId: error.requestId, logs }, [CLIENT_SECRET, TEMP_TOKEN]);
    });
  }
});

// ---------------------------------------------------------------------------
// The temp token, echoed by onTempToken's own error
// ---------------------------------------------------------------------------

describe('an onTempToken that throws an error quoting the temp token', () => {
  const throwers: Record<string, (token: string) => Error> = {
    'percent-encoded (backend said <encodeURIComponent(token)>)': (token) => new Error('backend said ' + encodeURIComponent(token)),
    'JSON-escaped (JSON.stringify({ token }))': (token) => new Error(JSON.stringify({ token })),
    'form-encoded (a URLSearchParams body)': (token) => new Error(`POST /handoff body=${new URLSearchParams({ temp_token: token })} failed`),
    raw: (token) => new Error(`backend refused ${token}`),
  };

  for (const [how, thrown] of Object.entries(throwers)) {
    it(`${how}: the handoff_failed error, every event and every log line hold no form of the token`, async () => {
      servers.hostile.tempToken = TEMP_TOKEN;
      const received: string[] = [];
      const { client, logs, events } = watched({
        onTempToken: (token) => {
          received.push(token);
          throw thrown(token);
        },
      });
      const session = await client.startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' });
      const result = await session.submitStep('last', {});
      expect(result).toMatchObject({ completed: true, handedOff: false });

      const retried = await failure(session.retryHandoff());

      expect(received).toEqual([TEMP_TOKEN, TEMP_TOKEN]);
      expect(retried.code).toBe('handoff_failed');
      const handoffErrors = events.filter((e) => e.type === 'error').map((e) => (e.payload as { error: OnboardingError }).error);
      expect(handoffErrors.map((e) => e.code)).toEqual(['handoff_failed', 'handoff_failed']);
      expectNoLeak({ retried, handoffErrors, events, logs, result }, [TEMP_TOKEN]);
    });
  }
});
