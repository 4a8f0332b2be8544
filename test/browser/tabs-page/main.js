// The page of the several-tabs / bank-return browser test (tabs.browser.mjs).
// `onboarding-sdk` resolves to the BUILT package (dist/index.js) through the
// test's Vite alias. The driver calls `window.t`; nothing here runs by itself.
//
// Configuration travels in the address's HASH (never sent, and kept by a
// bank-return address built from it; script-src 'self' forbids inline config):
//   api, backend, clientId, appKey, skill
//   storage = session | local     the `storage` given to the client
//   tab                           a label shown on the page (A, B, C…)
//   seed                          JSON of sessionStorage entries written BEFORE the client
//                                 exists: a duplicated tab's copied sessionStorage
//   crossTab = off                `crossTab: false` (the negative control: no tab coordination)
import { OnboardingClient, isOnboardingError } from 'onboarding-sdk';

const cfg = new URLSearchParams(location.hash.slice(1));
const STEPS = (cfg.get('steps') ?? '').split(',').filter(Boolean);
const storageKind = cfg.get('storage') === 'local' ? 'local' : 'session';
const storage = storageKind === 'local' ? localStorage : sessionStorage;
const crossTab = cfg.get('crossTab') !== 'off';

// A browser's "duplicate tab" copies sessionStorage before the page runs: do that first.
if (cfg.has('seed')) {
  for (const [key, value] of Object.entries(JSON.parse(cfg.get('seed')))) sessionStorage.setItem(key, value);
  cfg.delete('seed');
  history.replaceState(history.state, '', `${location.pathname}${location.search}#${cfg}`);
}

const $ = (id) => document.getElementById(id);
const state = { tokenCalls: 0, events: [], notified: 0, did: [] };
let session;

const client = new OnboardingClient({
  baseUrl: cfg.get('api'),
  clientId: cfg.get('clientId'),
  clientAppKey: cfg.get('appKey'),
  storage,
  ...(crossTab ? {} : { crossTab: false }),
  onTempToken: async (tempToken, info) => {
    state.tokenCalls++;
    note(`onTempToken → backend (session ${info.sessionId})`);
    const res = await fetch(cfg.get('backend'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tempToken, sessionId: info.sessionId, tab: cfg.get('tab') }),
    });
    if (!res.ok) throw new Error(`the backend answered ${res.status}`);
  },
});
client.on('*', (type) => {
  state.events.push(type);
  render();
});

function note(line) {
  state.did.push(line);
  const li = document.createElement('li');
  li.textContent = line;
  $('log').append(li);
}

function snapshot() {
  if (!session) return null;
  const s = session.getSnapshot();
  return { id: session.id, status: s.status, completedSteps: [...s.completedSteps], stepIndex: s.stepIndex, handoff: s.handoff, lastStepId: s.lastStepId };
}

function render() {
  const s = snapshot();
  $('status').textContent = s ? (s.status === 'completed' ? 'Completed' : s.status) : 'No session';
  $('status').dataset.state = s?.status ?? 'idle';
  $('steps').replaceChildren(
    ...STEPS.map((name) => {
      const li = document.createElement('li');
      li.textContent = name.replace('_', ' ');
      li.dataset.state = s?.completedSteps.includes(name) ? 'done' : 'todo';
      return li;
    }),
  );
  const rows = s
    ? [
        ['session', s.id],
        ['steps done', `${s.completedSteps.length} of ${STEPS.length}`],
        ['hand-off', s.handoff],
        ['onTempToken here', String(state.tokenCalls)],
        ['snapshot updates', String(state.notified)],
        ['session:synced', String(state.events.filter((e) => e === 'session:synced').length)],
      ]
    : [];
  $('summary').replaceChildren(
    ...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      return [dt, dd];
    }),
  );
}

function attach(s) {
  session = s;
  s.subscribe(() => {
    state.notified++;
    render();
  });
  render();
  return snapshot();
}

const failure = (error) => ({ ok: false, error: isOnboardingError(error) ? { code: error.code, apiCode: error.apiCode, status: error.status, message: error.message, retryable: error.retryable } : { message: String(error) } });

/** What the driver calls. Every call resolves with JSON; SDK errors come back as `{ ok: false, error }`. */
window.t = {
  async start() {
    try {
      const s = attach(await client.startSession({ skill: cfg.get('skill'), tenantUserId: 'u-tabs' }));
      note('started the session');
      return { ok: true, snapshot: s };
    } catch (error) {
      return failure(error);
    }
  },
  async resume() {
    try {
      const found = await client.resumeSession({ skill: cfg.get('skill') });
      if (!found) return { ok: false, error: { message: 'nothing to resume' } };
      note('resumed the session');
      return { ok: true, snapshot: attach(found) };
    } catch (error) {
      return failure(error);
    }
  },
  /** Submits `name`; with `returnBase`, its data is `{ return_url: session.returnUrl(returnBase) }`. */
  async step(name, returnBase) {
    try {
      const data = returnBase ? { return_url: session.returnUrl(returnBase) } : { field: `${name} from tab ${cfg.get('tab')}` };
      const result = await session.submitStep(name, data);
      note(`submitted ${name}${result.completed ? ' (completed)' : ''}`);
      return { ok: true, completed: result.completed, handedOff: result.handedOff, data: result.data, sent: data, snapshot: snapshot() };
    } catch (error) {
      note(`${name} failed: ${error.code ?? error}`);
      return failure(error);
    }
  },
  /** followRedirect: records the pending redirect and navigates this tab away (after the driver got its answer). */
  follow(url) {
    try {
      setTimeout(() => {
        try {
          session.followRedirect(url);
        } catch (error) {
          state.followError = failure(error).error;
        }
      }, 50);
      return { ok: true };
    } catch (error) {
      return failure(error);
    }
  },
  async handleReturn(url) {
    try {
      const { session: s, params } = await client.handleRedirect(url, { skill: cfg.get('skill') });
      note('came back from the bank');
      return { ok: true, params, snapshot: attach(s), href: location.href };
    } catch (error) {
      note(`bank return refused: ${error.code ?? error}`);
      return failure(error);
    }
  },
  snapshot,
  tokenCalls: () => state.tokenCalls,
  info: () => ({ crossTab, tokenCalls: state.tokenCalls, events: state.events, notified: state.notified, did: state.did, href: location.href }),
  /** The `sessionStorage` entries (what a duplicated tab would get). */
  sessionEntries: () => Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k)])),
};

$('tab').textContent = cfg.get('tab') ?? '?';
$('storage').textContent = `${storageKind}Storage${crossTab ? '' : ', crossTab: false'}`;
render();
document.documentElement.dataset.ready = 'true';
