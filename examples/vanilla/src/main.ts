/**
 * Two flows in plain TypeScript, chosen on the first screen:
 * - KYC: product form → personal data → ID + selfie upload with progress →
 *   confirm → hand-off of the temp token to the backend;
 * - PSD2 consent: consent form → the bank's own page (another origin) →
 *   back here (`client.handleRedirect()`) → confirm → hand-off.
 *
 * Offline by default: the examples' dev server runs the SDK's testing kit over
 * HTTP on its own port, as the API and as the bank (../../shared/fake-api-plugin.ts).
 * Set VITE_ONBOARDING_API_URL, VITE_ONBOARDING_CLIENT_ID and
 * VITE_ONBOARDING_APP_KEY to talk to a real API.
 */
import { OnboardingClient, OnboardingError, isOnboardingError, userMessage, type OnboardingSession, type UserMessages } from 'onboarding-sdk';
import { BANKS, BANK_MESSAGES, SCOPES, consent, type ConsentForm } from '../../shared/consent';
import { kyc, type PersonalData, type ProductForm } from '../../shared/kyc';
import { BACKEND_PATH, apiConfig } from '../../shared/offline';
import '../../shared/style.css';

/**
 * What the user reads when something fails: `userMessage` picks a short sentence
 * by error code; these replace a few of its English defaults in the bank's own
 * voice (a translation is the same kind of table). The technical details go to
 * the console, never on screen.
 */
const MESSAGES: UserMessages = {
  nonce_expired: 'For your security, verification sessions are short-lived. Please start again.',
  server_error: 'Northwind’s verification service is busy. Please try again in a few minutes.',
};

type Screen = 'start' | 'product' | 'personal' | 'documents' | 'confirm' | 'consent' | 'bank' | 'consent-confirm' | 'refused' | 'handoff' | 'done' | 'failed';
type DocKind = 'id' | 'selfie';
type Journey = 'kyc' | 'consent';

const STEPPERS: Record<Journey, { label: string; screens: Screen[] }[]> = {
  kyc: [
    { label: 'Your loan', screens: ['product'] },
    { label: 'About you', screens: ['personal'] },
    { label: 'Documents', screens: ['documents'] },
    { label: 'Confirm', screens: ['confirm', 'handoff'] },
    { label: 'Done', screens: ['done'] },
  ],
  consent: [
    { label: 'Accounts', screens: ['consent'] },
    { label: 'Your bank', screens: ['bank', 'refused'] },
    { label: 'Confirm', screens: ['consent-confirm', 'handoff'] },
    { label: 'Done', screens: ['done'] },
  ],
};

const state: {
  screen: Screen;
  journey: Journey;
  apiLabel?: string;
  product?: ProductForm;
  personal?: PersonalData;
  files: Partial<Record<DocKind, File>>;
  uploaded: Partial<Record<DocKind, true>>;
  docsStepId?: string;
  credentialsId?: string;
} = { screen: 'start', journey: 'kyc', files: {}, uploaded: {} };

let client: OnboardingClient;
let session: OnboardingSession<typeof kyc.steps> | undefined;
let consentSession: OnboardingSession<typeof consent.steps> | undefined;

// ---------------------------------------------------------------- DOM helpers

type Child = Node | string | false | null | undefined;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false) continue;
    el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) if (child) el.append(child);
  return el;
}
const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const app = $('#app');

function field(label: string, control: HTMLElement, name: string, hint?: string, className = '') {
  return h('label', { class: `field ${className}`.trim() }, h('span', { class: 'label' }, label), control, hint && h('span', { class: 'hint' }, hint), h('span', { class: 'error', 'data-error-for': name }));
}
function select(name: string, options: [string, string][], value: string) {
  const el = h('select', { name, id: name });
  for (const [v, text] of options) el.append(h('option', { value: v, selected: v === value }, text));
  return el;
}
function formatBytes(n: number) {
  return n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}

// ---------------------------------------------------------------- rendering

function render(screen: Screen, body: HTMLElement) {
  state.screen = screen;
  document.documentElement.dataset.screen = screen;
  const steps = STEPPERS[state.journey];
  const current = steps.findIndex((s) => s.screens.includes(screen));
  const stepper = screen !== 'start' && h('ol', { class: 'stepper', 'aria-label': 'Progress' });
  if (stepper) steps.forEach((s, i) => {
    const status = screen === 'done' || i < current ? 'done' : i === current ? 'current' : 'todo';
    stepper.append(h('li', { 'data-status': status, 'aria-current': status === 'current' ? 'step' : false }, s.label));
  });
  app.replaceChildren(
    h('header', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'N'), h('span', { class: 'brand-name' }, 'Northwind Bank'), h('span', { class: 'brand-tag' }, state.journey === 'consent' ? 'Connect your bank' : 'Identity verification')),
    ...(stepper ? [stepper] : []),
    h('div', { class: 'alert', role: 'alert', hidden: true }),
    body,
    h(
      'p',
      { class: 'footnote' },
      state.apiLabel ?? '',
    ),
  );
  body.querySelector<HTMLElement>('input, select, button')?.focus();
}

function showAlert(message: string) {
  const alert = $('.alert');
  alert.textContent = message;
  alert.hidden = false;
}
function clearErrors() {
  $('.alert').hidden = true;
  document.querySelectorAll('[data-error-for]').forEach((el) => (el.textContent = ''));
}
function setFieldError(name: string, message: string) {
  const el = document.querySelector(`[data-error-for="${name}"]`);
  if (el) el.textContent = message;
  else showAlert(message);
}

/** Runs a user action with the form disabled; maps SDK errors to the UI. */
async function act(form: HTMLFormElement, fn: () => Promise<void>) {
  clearErrors();
  const submit = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
  submit.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    await fn();
  } catch (error) {
    handleError(error);
  } finally {
    if (form.isConnected) {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  }
}

function handleError(error: unknown) {
  // The skill's schemas carry messages written for users (../shared/kyc.ts): show them next to their fields.
  if (isOnboardingError(error) && error.code === 'validation_error' && error.issues?.length) {
    for (const issue of error.issues) setFieldError(String(issue.path?.[0] ?? ''), issue.message);
    return;
  }
  console.error(error); // code, status, requestId and the technical message, for you
  const current = state.journey === 'consent' ? consentSession : session;
  if (current && current.status !== 'active' && current.status !== 'completed') {
    return showFailed(current.status === 'expired' ? 'Your session expired' : 'We could not continue', userMessage(error, MESSAGES));
  }
  // The provider's request id is what its support asks for: harmless to show, useful to quote.
  const reference = isOnboardingError(error) && error.requestId ? ` (reference ${error.requestId})` : '';
  showAlert(`${userMessage(error, MESSAGES)}${reference}`);
}

// ---------------------------------------------------------------- screens

function showStart() {
  const choice = (id: string, title: string, detail: string, journey: Journey, next: () => void) => {
    const button = h('button', { type: 'button', class: 'primary', id }, title);
    button.addEventListener('click', () => {
      state.journey = journey;
      next();
    });
    return h('div', { class: 'choice' }, button, h('p', { class: 'muted' }, detail));
  };
  render(
    'start',
    h(
      'section',
      { class: 'card', id: 'start' },
      h('h1', {}, 'What would you like to do?'),
      choice('choose-kyc', 'Apply for a loan', 'Verify your identity: a few details and a photo of your ID.', 'kyc', showProduct),
      choice('choose-consent', 'Connect your bank account', 'Let us see your balances (PSD2): you approve it at your own bank.', 'consent', showConsent),
    ),
  );
}

function showProduct() {
  const p = state.product ?? { value: '25000', currency: 'EUR', period: '12' };
  const form = h(
    'form',
    { class: 'card', novalidate: true, id: 'product-form' },
    h('h1', {}, 'How much would you like to borrow?'),
    // Side by side even on a phone: the currency select is only as wide as its longest option.
    h('div', { class: 'row keep' },
      field('Amount', h('input', { name: 'value', id: 'value', inputmode: 'numeric', autocomplete: 'off', value: p.value }), 'value'),
      field('Currency', select('currency', [['EUR', 'EUR'], ['RON', 'RON']], p.currency), 'currency', undefined, 'narrow'),
    ),
    field('Repayment period', select('period', [['6', '6 months'], ['12', '12 months'], ['24', '24 months'], ['36', '36 months']], p.period), 'period'),
    h('button', { type: 'submit', class: 'primary' }, 'Continue'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form)) as ProductForm;
    data.value = data.value.replace(/[\s,.]/g, '');
    void act(form, async () => {
      session ??= await client.startSession({ skill: kyc, tenantUserId: 'demo-user-42' });
      await session.submitStep('product_form', data);
      state.product = data;
      showPersonal();
    });
  });
  render('product', form);
}

function showPersonal() {
  const form = h(
    'form',
    { class: 'card', novalidate: true, id: 'personal-form' },
    h('h1', {}, 'Tell us about yourself'),
    h('p', { class: 'muted' }, 'As it appears on your ID document.'),
    h('div', { class: 'row' },
      field('First name', h('input', { name: 'first_name', id: 'first_name', autocomplete: 'given-name' }), 'first_name'),
      field('Last name', h('input', { name: 'last_name', id: 'last_name', autocomplete: 'family-name' }), 'last_name'),
    ),
    field('Date of birth', h('input', { name: 'birth_date', id: 'birth_date', type: 'date', autocomplete: 'bday' }), 'birth_date'),
    h('button', { type: 'submit', class: 'primary' }, 'Continue'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form)) as PersonalData;
    void act(form, async () => {
      await session!.submitStep('personal_data', data);
      state.personal = data;
      showDocuments();
    });
  });
  render('personal', form);
}

/**
 * Each document has its own picker buttons. On a phone, `capture` opens the camera
 * straight away: the rear one for the ID (next to a plain "Choose a file", so a PDF
 * scan stays possible), the front one for the selfie. Listing the exact types (not
 * `image/*`) makes iOS hand over a JPEG rather than a HEIC photo the API would refuse.
 */
const DOCS: Record<DocKind, { label: string; hint: string; accept: string[]; pickers: { id: string; text: string; capture?: 'user' | 'environment'; accept: string[] }[] }> = {
  id: {
    label: 'ID document',
    hint: 'Passport or ID card · JPEG, PNG or PDF · up to 10\u00a0MB',
    accept: ['image/jpeg', 'image/png', 'application/pdf'],
    pickers: [
      { id: 'id-camera', text: 'Take a photo', capture: 'environment', accept: ['image/jpeg', 'image/png'] },
      { id: 'id-file', text: 'Choose a file', accept: ['image/jpeg', 'image/png', 'application/pdf'] },
    ],
  },
  selfie: {
    label: 'Selfie',
    hint: 'A clear photo of your face · JPEG or PNG',
    accept: ['image/jpeg', 'image/png'],
    pickers: [{ id: 'selfie-file', text: 'Take a selfie', capture: 'user', accept: ['image/jpeg', 'image/png'] }],
  },
};

function docField(kind: DocKind) {
  const doc = DOCS[kind];
  const pickers = doc.pickers.map((picker) => {
    const input = h('input', { type: 'file', name: kind, id: picker.id, class: 'visually-hidden', accept: picker.accept.join(','), capture: picker.capture ?? false, 'aria-describedby': `${kind}-hint` });
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (!file) return;
      state.files[kind] = file;
      delete state.uploaded[kind];
      $(`[data-error-for="${kind}"]`).textContent = '';
      $(`#${kind}-status`).textContent = `${file.name} · ${formatBytes(file.size)}`;
      $<HTMLProgressElement>(`#${kind}-progress`).value = 0;
    });
    return h('label', { class: 'pick' }, input, picker.text, h('span', { class: 'visually-hidden' }, ` · ${doc.label}`));
  });
  return h(
    'div',
    { class: 'doc', 'data-doc': kind, role: 'group', 'aria-labelledby': `${kind}-label` },
    h('span', { class: 'label', id: `${kind}-label` }, doc.label),
    h('span', { class: 'hint', id: `${kind}-hint` }, doc.hint),
    h('div', { class: 'picks' }, ...pickers),
    h('span', { class: 'error', 'data-error-for': kind }),
    h('progress', { id: `${kind}-progress`, max: '1', value: '0', 'aria-label': `${doc.label} upload` }),
    h('span', { class: 'status', id: `${kind}-status`, 'aria-live': 'polite' }),
  );
}

/** The checks the SDK would make before sending, done up front so nothing is submitted with a bad file. */
function checkDoc(kind: DocKind, file: File | undefined): string | undefined {
  if (!file) return `Choose your ${DOCS[kind].label.toLowerCase()}.`;
  if (!DOCS[kind].accept.includes(file.type)) return 'This file type is not accepted.';
  const max = kyc.uploads.kyc_documents?.maxBytes ?? Infinity;
  if (file.size > max) return `This file is too large (max ${formatBytes(max)}).`;
  return undefined;
}

function showDocuments() {
  const form = h(
    'form',
    { class: 'card', novalidate: true, id: 'documents-form' },
    h('h1', {}, 'Upload your documents'),
    h('p', { class: 'muted' }, 'Files are sent straight to the verification service.'),
    docField('id'),
    docField('selfie'),
    h('button', { type: 'submit', class: 'primary' }, 'Upload and continue'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void act(form, async () => {
      const problems = (['id', 'selfie'] as const).map((kind) => [kind, checkDoc(kind, state.files[kind])] as const).filter(([, p]) => p);
      if (problems.length) {
        for (const [kind, problem] of problems) setFieldError(kind, problem!);
        return;
      }
      // The step is submitted once; a failed upload is retried on its own.
      state.docsStepId ??= (await session!.submitStep('kyc_documents', {})).stepId;
      for (const kind of ['id', 'selfie'] as const) {
        if (state.uploaded[kind]) continue;
        const file = state.files[kind]!;
        const bar = $<HTMLProgressElement>(`#${kind}-progress`);
        const status = $(`#${kind}-status`);
        try {
          await session!.upload(file, {
            stepId: state.docsStepId,
            onProgress: ({ loaded, total }) => {
              const ratio = total ? Math.min(1, loaded / total) : 0;
              bar.value = ratio;
              status.textContent = `Uploading ${file.name} · ${Math.round(ratio * 100)}%`;
            },
          });
        } catch (error) {
          status.textContent = `${file.name} · not uploaded`;
          // A file the skill's upload rules refuse: a sentence about the file, next to its picker.
          if (isOnboardingError(error) && error.code === 'validation_error') return setFieldError(kind, userMessage(error, { validation_error: 'This file can’t be used. Please choose another one.' }));
          throw error;
        }
        bar.value = 1;
        status.textContent = `${file.name} · uploaded ✓`;
        state.uploaded[kind] = true;
      }
      showConfirm();
    });
  });
  render('documents', form);
}

function showConfirm() {
  const p = state.product!;
  const who = state.personal!;
  const rows: [string, string][] = [
    ['Amount', `${Number(p.value).toLocaleString('en')} ${p.currency}`],
    ['Period', `${p.period} months`],
    ['Name', `${who.first_name} ${who.last_name}`],
    ['Date of birth', who.birth_date],
    ['Documents', `${state.files.id!.name}, ${state.files.selfie!.name}`],
  ];
  confirmCard('confirm', [h('h1', {}, 'Check and confirm'), h('dl', { class: 'summary' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))],
    'I confirm that the information above is correct and consent to the identity check.',
    // `accept: false` is rejected by the skill's schema before anything is sent.
    (accept) => session!.submitStep('confirm', { accept: accept as true }));
}

function showHandoff() {
  render(
    'handoff',
    h('section', { class: 'card center', id: 'handoff' }, h('div', { class: 'spinner', 'aria-hidden': 'true' }), h('h1', {}, 'Handing off securely…'), h('p', { class: 'muted' }, `Your ${state.journey === 'consent' ? 'consent' : 'verification'} is complete. We are passing it to Northwind’s servers.`)),
  );
}

function showDone() {
  render(
    'done',
    h(
      'section',
      { class: 'card center', id: 'done' },
      h('div', { class: 'tick', 'aria-hidden': 'true' }, '✓'),
      h('h1', {}, state.journey === 'consent' ? 'Your bank account is connected' : 'You’re verified'),
      h('p', { class: 'muted' }, state.journey === 'consent' ? 'Thanks — we can now see the accounts you chose to share.' : 'Thanks — your loan application continues with your verified identity.'),
      state.credentialsId && h('p', { class: 'ref' }, 'Reference ', h('code', { id: 'credentials-id' }, state.credentialsId)),
      restartButton(state.journey === 'consent' ? 'Back to the start' : 'Start a new application'),
    ),
  );
}

function showHandoffFailed() {
  const retry = h('button', { type: 'button', class: 'primary', id: 'retry-handoff' }, 'Try again');
  retry.addEventListener('click', async () => {
    retry.disabled = true;
    showHandoff();
    try {
      await (state.journey === 'consent' ? consentSession : session)!.retryHandoff();
      showDone();
    } catch {
      showHandoffFailed();
    }
  });
  render(
    'failed',
    h('section', { class: 'card center', id: 'failed' }, h('h1', {}, 'Almost there'), h('p', { class: 'muted' }, 'You’re all done, but we could not reach our servers to record it.'), retry),
  );
}

function showFailed(title: string, detail: string) {
  render('failed', h('section', { class: 'card center', id: 'failed' }, h('h1', {}, title), h('p', { class: 'muted' }, detail), restartButton('Start again')));
}

function restartButton(label: string) {
  const button = h('button', { type: 'button', class: 'secondary', id: 'restart' }, label);
  // The address, not a reload: after the bank it still carries the bank's parameters.
  button.addEventListener('click', () => location.assign(location.pathname));
  return button;
}

// ---------------------------------------------------------------- PSD2 consent, through the bank

function showConsent() {
  const form = h(
    'form',
    { class: 'card', novalidate: true, id: 'consent-form' },
    h('h1', {}, 'Connect your bank account'),
    h('p', { class: 'muted' }, 'Choose your bank and what we may see. You approve it on your bank’s own page.'),
    field('Your bank', select('bank', BANKS, 'northwind'), 'bank'),
    field('What we may see', select('scope', SCOPES, 'balances'), 'scope'),
    h('button', { type: 'submit', class: 'primary' }, 'Continue'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form)) as ConsentForm;
    void act(form, async () => {
      consentSession ??= await client.startSession({ skill: consent, tenantUserId: 'demo-user-42' });
      await consentSession.submitStep('consent_form', data);
      showBank(data);
    });
  });
  render('consent', form);
}

function showBank(data: ConsentForm) {
  const bank = BANKS.find(([value]) => value === data.bank)?.[1] ?? 'your bank';
  const form = h(
    'form',
    { class: 'card', novalidate: true, id: 'bank-form' },
    h('h1', {}, `Continue to ${bank}`),
    h('p', { class: 'muted' }, 'You will leave this page for your bank’s own, sign in there and approve. Your bank sends you back here.'),
    h('button', { type: 'submit', class: 'primary', id: 'to-bank' }, 'Continue to your bank'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void act(form, async () => {
      const s = consentSession!;
      // The return address carries a single-use `state` bound to this session; `storage` keeps it while the page is away.
      const step = await s.submitStep('bank_redirect', { return_url: s.returnUrl(location.origin + location.pathname) });
      s.followRedirect(step.data.redirect_url); // checked (https, or http on localhost), recorded, then the page leaves
    });
  });
  render('bank', form);
}

/** Back from the bank (a `state` in the address): verify it, resume the session, and read the bank's answer. */
async function returnFromBank() {
  state.journey = 'consent';
  try {
    const back = await client.handleRedirect(location.href, { skill: consent });
    consentSession = back.session;
    if (back.params.error) {
      // The bank's refusal (e.g. access_denied) in the user's words; the session cannot go on.
      const refusal = new OnboardingError(back.params.error, `the bank answered error=${back.params.error}`);
      console.info(refusal.message);
      return showRefused(userMessage(refusal, BANK_MESSAGES));
    }
    showConsentConfirm();
  } catch (error) {
    // A wrong, used or expired `state` (an old link, a reload): nothing was sent.
    console.error(error);
    showFailed('We could not continue', userMessage(error, MESSAGES));
  }
}

function showRefused(message: string) {
  render('refused', h('section', { class: 'card center', id: 'refused' }, h('h1', {}, 'Your bank did not give access'), h('p', { class: 'muted', id: 'refusal' }, message), restartButton('Start again')));
}

function showConsentConfirm() {
  confirmCard('consent-confirm', [h('h1', {}, 'Your bank approved'), h('p', { class: 'muted' }, 'One last check before we connect your account.')],
    'I agree that Northwind Bank may see the accounts I chose, for 90 days.',
    (accept) => consentSession!.submitStep('confirm', { accept: accept as true }));
}

/** The last step of either journey: a box to tick, then the completing step and the handoff's outcome. */
function confirmCard(id: Screen, head: Child[], consentText: string, submit: (accept: boolean) => Promise<{ handedOff: boolean }>) {
  const form = h(
    'form',
    { class: 'card', novalidate: true, id: `${id}-form` },
    ...head,
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'accept', id: 'accept' }), h('span', {}, consentText)),
    h('span', { class: 'error', 'data-error-for': 'accept' }),
    h('button', { type: 'submit', class: 'primary' }, 'Confirm and finish'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const accept = $<HTMLInputElement>('#accept').checked;
    void act(form, async () => {
      const result = await submit(accept);
      if (result.handedOff) showDone();
      else showHandoffFailed();
    });
  });
  render(id, form);
}

// ---------------------------------------------------------------- start-up

async function main() {
  const { offline, ...config } = await apiConfig();
  state.apiLabel = offline
    ? 'Offline demo · the API and the bank are onboarding-sdk/testing, served by the dev server on another port.'
    : `API: ${config.baseUrl}`;
  client = new OnboardingClient({
    ...config,
    // Keeps the pending bank redirect (and the session) while the page is at the bank; the return comes back to this tab.
    storage: sessionStorage,
    // Called once, after the last step: post the token to YOUR backend, which
    // exchanges it with its client secret (examples/backend). Throwing keeps the
    // token in memory for session.retryHandoff().
    onTempToken: async (tempToken) => {
      const res = await fetch(BACKEND_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tempToken }) });
      if (!res.ok) throw new Error(`the backend answered ${res.status}`);
      state.credentialsId = ((await res.json()) as { credentialsId?: string }).credentialsId;
    },
  });
  client.on('session:completed', showHandoff);
  client.on('nonce:expiring', ({ msLeft }) => showAlert(`Your session expires in about ${Math.max(1, Math.round(msLeft / 60_000))} minutes. Continue to keep it.`));
  client.on('session:expired', () => showFailed('Your session expired', 'For your security, verification sessions are short-lived. Please start again.'));
  if (new URL(location.href).searchParams.has('state')) await returnFromBank();
  else showStart();
}

main().catch((error) => {
  console.error(error);
  app.replaceChildren(h('p', { class: 'card' }, 'The demo could not start. See the console for details.'));
});
