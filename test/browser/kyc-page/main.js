// The page of the strict-CSP browser test. `onboarding-sdk` resolves to the
// BUILT package (dist/index.js) through the test's Vite alias; zod/mini is
// bundled from node_modules as an integrator's bundler would.
//
// Query parameters (script-src 'self' forbids inline config):
//   api, backend, clientId, appKey
//   variant = typed   a defineSkill() with zod/mini schemas, no zod config at all
//           | classic a defineSkill() with classic zod schemas, zod's JIT off (the CSP recipe)
//           | plain   a catalog skill name, no app-side schema at all
//           | zod-jit classic zod with its JIT left on: the negative control (zod probes
//                     `new Function` when it builds an object schema; the CSP must report it)
//           | abort   as typed, but the first ID upload is aborted by its AbortSignal as soon
//                     as progress shows bytes on the wire, then uploaded again in full
import { OnboardingClient, defineSkill, isOnboardingError } from 'onboarding-sdk';
import * as z from 'zod/mini';

const SKILL = 'xyz_kyc_sbx_#3.0';
const STEPS = ['product_form', 'personal_data', 'kyc_documents', 'confirm'];
const DATA = {
  product_form: { value: '100000', currency: 'EUR', period: '12' },
  personal_data: { first_name: 'Ana', last_name: 'Pop', birth_date: '1990-04-01' },
  kyc_documents: {},
  confirm: { accept: true },
};

const params = new URLSearchParams(location.search);
const variant = params.get('variant') ?? 'typed';

/** What the test reads back. Holds no secret: the test checks that too. */
const state = {
  variant,
  phase: 'loading',
  error: undefined,
  events: [],
  progress: { id: [], selfie: [] },
  /** variant=abort: the aborted first attempt (its progress reports, the error, what came after the abort). */
  abort: undefined,
  storageSnapshots: [],
  uploads: [],
  sessionId: undefined,
  handedOff: false,
};
window.__kyc = state;

const $ = (id) => document.getElementById(id);

async function buildSkill() {
  if (variant === 'plain') return SKILL;
  if (variant === 'typed' || variant === 'abort') {
    // zod/mini never compiles parsers, so it needs no setting under a strict CSP.
    return defineSkill(SKILL, {
      steps: {
        product_form: z.object({ value: z.string(), currency: z.enum(['EUR', 'RON']), period: z.string() }),
        personal_data: z.object({ first_name: z.string().check(z.minLength(1)), last_name: z.string().check(z.minLength(1)), birth_date: z.string() }),
        kyc_documents: z.object({}),
        confirm: z.object({ accept: z.literal(true) }),
      },
      uploads: { kyc_documents: { accept: ['image/jpeg', 'image/png', 'application/pdf'], maxBytes: 10_000_000 } },
    });
  }
  // Classic zod (its own chunk, loaded only here) compiles object parsers with
  // `new Function` unless its JIT is off: under a strict CSP, set this once,
  // before the first schema is built.
  const { z: zc } = await import('zod');
  if (variant === 'classic') zc.config({ jitless: true });
  return defineSkill(SKILL, {
    steps: {
      product_form: zc.object({ value: zc.string(), currency: zc.enum(['EUR', 'RON']), period: zc.string() }),
      personal_data: zc.object({ first_name: zc.string().min(1), last_name: zc.string().min(1), birth_date: zc.string() }),
      kyc_documents: zc.object({}),
      confirm: zc.object({ accept: zc.literal(true) }),
    },
    uploads: { kyc_documents: { accept: ['image/jpeg', 'image/png', 'application/pdf'], maxBytes: 10_000_000 } },
  });
}

function snapshotStorage(label) {
  const items = {};
  for (let i = 0; i < sessionStorage.length; i++) {
    const key = sessionStorage.key(i);
    items[key] = sessionStorage.getItem(key);
  }
  state.storageSnapshots.push({ label, items });
}

function renderSteps(current, failed) {
  const list = $('steps');
  list.replaceChildren(
    ...STEPS.map((name, i) => {
      const li = document.createElement('li');
      li.textContent = name.replace('_', ' ');
      li.dataset.state = i < current ? 'done' : i === current ? (failed ? 'failed' : 'running') : 'todo';
      return li;
    }),
  );
}

function setStatus(text, phase) {
  $('status').textContent = text;
  $('status').dataset.state = phase;
}

function summary(rows) {
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

const skill = await buildSkill();

const client = new OnboardingClient({
  baseUrl: params.get('api'),
  clientId: params.get('clientId'),
  clientAppKey: params.get('appKey'),
  storage: sessionStorage,
  onTempToken: async (tempToken, info) => {
    setStatus('Handing off to the backend…', 'running');
    const res = await fetch(params.get('backend'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tempToken, sessionId: info.sessionId }),
    });
    if (!res.ok) throw new Error(`the backend answered ${res.status}`);
  },
});
client.on('*', (type, payload) => {
  // Kept as JSON so the test can look for secrets in every payload.
  state.events.push({ type, payload: JSON.parse(JSON.stringify(payload, (k, v) => (v instanceof Error ? { code: v.code, message: v.message } : v))) });
});

async function run() {
  const idFile = $('id-file').files[0];
  const selfie = $('selfie-file').files[0];
  $('start').disabled = true;
  state.phase = 'running';
  setStatus('Verifying…', 'running');
  let index = 0;
  renderSteps(index);
  try {
    const session = await client.startSession({ skill, tenantUserId: 'u-42' });
    state.sessionId = session.id;
    snapshotStorage('created');
    let last;
    for (const step of STEPS) {
      renderSteps(index);
      last = await session.submitStep(step, DATA[step]);
      snapshotStorage(step);
      if (step === 'kyc_documents') {
        if (variant === 'abort') await abortedUpload(session, last.stepId, idFile);
        for (const [kind, file] of [['id', idFile], ['selfie', selfie]]) {
          $('upload-name').textContent = `${file.name} · ${(file.size / 1_048_576).toFixed(1)} MB`;
          const result = await session.upload(file, {
            stepId: last.stepId,
            onProgress: ({ loaded, total }) => {
              state.progress[kind].push({ loaded, total, at: performance.now() });
              $('progress').value = total ? loaded / total : 0;
              const n = state.progress.id.length + state.progress.selfie.length;
              $('progress-text').textContent = `${n} progress reports · ${Math.round((loaded / total) * 100)}% of ${file.name}`;
            },
          });
          state.uploads.push(result);
          snapshotStorage(`upload:${kind}`);
        }
      }
      index++;
    }
    renderSteps(index);
    state.handedOff = last.handedOff;
    snapshotStorage('finished');
    state.phase = last.completed && last.handedOff ? 'done' : 'incomplete';
    setStatus(last.handedOff ? 'Verified · handed off to the backend' : 'Completed, hand-off pending', state.phase === 'done' ? 'done' : 'error');
    summary([
      ['session', session.id],
      ['status', session.status],
      ['skill', session.skill],
      ['uploads', state.uploads.map((u) => `${u.fileName} (${u.size.toLocaleString('en')} B)`).join(', ')],
      ['progress reports', `${state.progress.id.length} (ID) + ${state.progress.selfie.length} (selfie)`],
      ['sessionStorage', sessionStorage.length ? `${sessionStorage.length} item(s)` : 'empty'],
    ]);
  } catch (error) {
    state.phase = 'error';
    state.error = isOnboardingError(error) ? { code: error.code, status: error.status, message: error.message } : { message: String(error) };
    renderSteps(index, true);
    setStatus(`Failed: ${state.error.code ?? ''} ${state.error.message}`, 'error');
  }
}

/** Starts an upload and aborts it once progress shows bytes sent; records what the SDK did. */
async function abortedUpload(session, stepId, file) {
  const controller = new AbortController();
  const record = { progress: [], abortedAt: undefined, error: undefined, resolved: false };
  state.abort = record;
  $('upload-name').textContent = `${file.name} · aborted on purpose once it is under way`;
  try {
    await session.upload(file, {
      stepId,
      signal: controller.signal,
      onProgress: ({ loaded, total }) => {
        record.progress.push({ loaded, total, at: performance.now(), afterAbort: controller.signal.aborted });
        if (!controller.signal.aborted && loaded > 0 && loaded < total) {
          record.abortedAt = loaded;
          controller.abort();
        }
      },
    });
    record.resolved = true;
  } catch (error) {
    record.error = isOnboardingError(error) ? { code: error.code, retryable: error.retryable, message: error.message } : { message: String(error) };
  }
  // Progress events still queued when abort() ran must not reach the app afterwards.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

function updateReady() {
  $('start').disabled = !($('id-file').files.length && $('selfie-file').files.length);
}
$('id-file').addEventListener('change', updateReady);
$('selfie-file').addEventListener('change', updateReady);
$('start').addEventListener('click', run);
renderSteps(-1);
state.phase = 'ready';
document.documentElement.dataset.ready = 'true';
