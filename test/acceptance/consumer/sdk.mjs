// Integrator-side helpers: everything SDK-related comes from the installed
// package 'onboarding-sdk', exactly as an application would import it.

import { OnboardingClient, OnboardingError, isOnboardingError } from 'onboarding-sdk';
import { startStrictServer } from '../strict-server.mjs';
import { assert, describeError, findLeaks, serverSecrets, short } from './lib.mjs';

export { OnboardingClient, OnboardingError, isOnboardingError };

export const CONSENT_SKILL = 'xyz_aisp_sbx_#1.0';
export const KYC_SKILL = 'xyz_kyc_sbx_#3.0';

/** A Map-backed Storage that also remembers every value ever written. */
export function memoryStorage() {
  const map = new Map();
  const writes = [];
  return {
    map,
    writes,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => {
      writes.push([k, String(v)]);
      map.set(k, String(v));
    },
    removeItem: (k) => {
      map.delete(k);
    },
  };
}

/**
 * Starts a strict server and a client talking to it; collects every event
 * (through '*'), every error the check asserted on, every temp token handed
 * over; registers a leak scan that runs when the check body has passed.
 */
export async function setup(t, { server: serverOptions, client: clientOptions = {}, onTempToken, extraSecrets = [] } = {}) {
  const server = await startStrictServer(serverOptions);
  t.defer(() => server.close());
  const h = {
    server,
    tokens: [],
    infos: [],
    events: [],
    errors: [],
    logs: [],
    clients: [],
  };
  h.newClient = (overrides = {}) => {
    const client = new OnboardingClient({
      baseUrl: server.url,
      clientId: server.credentials.clientId,
      clientAppKey: server.credentials.clientAppKey,
      onTempToken:
        onTempToken ??
        (async (tempToken, info) => {
          h.tokens.push(tempToken);
          h.infos.push(info);
        }),
      ...clientOptions,
      ...overrides,
    });
    client.on('*', (type, payload) => h.events.push({ type, payload }));
    h.clients.push(client);
    return client;
  };
  h.client = h.newClient();
  h.eventTypes = () => h.events.map((e) => e.type);
  t.final(() => {
    const leaks = findLeaks(h, [...serverSecrets(server), ...extraSecrets]);
    assert.equal(leaks.length, 0, `secret leaked: ${leaks.join('; ')}`);
  });
  return h;
}

/**
 * Awaits a call expected to fail with an OnboardingError; records the error for
 * the leak scan; checks `instanceof`, `isOnboardingError`, and the expected
 * code(s) / status. Returns the error.
 */
export async function expectError(h, promiseOrFn, expected = {}) {
  let value;
  let error;
  let threw = false;
  try {
    value = typeof promiseOrFn === 'function' ? await promiseOrFn() : await promiseOrFn;
  } catch (e) {
    error = e;
    threw = true;
  }
  const want = [expected.code, ...(expected.codes ?? [])].filter(Boolean);
  const label = `${want.length ? want.join('|') : 'an OnboardingError'}${expected.status !== undefined ? ` (status ${expected.status})` : ''}`;
  assert.ok(threw, `expected ${label}, but the call resolved with ${short(value)}`);
  h?.errors.push(error);
  assert.ok(error instanceof OnboardingError, `expected ${label}; got a non-OnboardingError: ${describeError(error)}`);
  assert.ok(isOnboardingError(error), `isOnboardingError() is false for ${describeError(error)}`);
  if (want.length) assert.ok(want.includes(error.code), `expected code ${want.join('|')}, got ${describeError(error)}`);
  if (expected.status !== undefined) assert.equal(error.status, expected.status, `expected status ${expected.status}, got ${describeError(error)}`);
  if (expected.retryable !== undefined) assert.equal(error.retryable, expected.retryable, `expected retryable ${expected.retryable}, got ${describeError(error)}`);
  assert.equal(typeof error.retryable, 'boolean', `error.retryable must be a boolean: ${describeError(error)}`);
  return error;
}

/** Submits steps in order with empty data; returns the results. */
export async function runSteps(session, steps, data = {}) {
  const out = [];
  for (const step of steps) out.push(await session.submitStep(step, data[step] ?? {}));
  return out;
}

export { startStrictServer };
