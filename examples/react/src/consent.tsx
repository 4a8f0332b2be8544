import { Frame } from './frame';
import { usePerform } from './perform';
import { OnboardingError, userMessage, type OnboardingClient } from 'onboarding-sdk';
import { useOnboarding, type UseOnboardingResult } from 'onboarding-sdk/react';
import { BANKS, BANK_MESSAGES, SCOPES, consent, type ConsentForm } from '../../shared/consent';
import { Busy, Field, Form, Problem } from './steps';

const LABELS: Record<string, string> = { consent_form: 'Accounts', bank_redirect: 'Your bank', confirm: 'Confirm' };

type Flow = UseOnboardingResult<typeof consent>;

/** What the page shows (`data-status` on #app, which the browser test waits on). */
function phaseOf(flow: Flow): string {
  const { status, snapshot, error, redirectParams } = flow;
  // A return the SDK refused (wrong, used or expired `state`): nothing was sent.
  if (status === 'idle' && error) return 'problem';
  if (status === 'idle') return 'consent';
  if (status === 'starting') return 'starting';
  if (status === 'active') {
    // The bank's refusal arrives as a parameter of the return address: the session cannot go on.
    if (snapshot?.currentStep === 'confirm' && redirectParams?.error) return 'refused';
    return snapshot?.currentStep === 'consent_form' ? 'consent' : snapshot?.currentStep === 'bank_redirect' ? 'bank' : 'confirm';
  }
  if (status !== 'completed') return status; // expired, failed
  if (snapshot?.handoff === 'delivered') return 'done';
  return snapshot?.handoff === 'failed' ? 'handoff-failed' : 'handing-off';
}

/**
 * The PSD2 consent: the account form, then the bank's own page (another
 * origin) to approve, then back here to confirm. `resume: true` is what brings
 * the user back: on a return address (a `state` in the query) the hook resumes
 * the session through `client.handleRedirect()`, once even under StrictMode,
 * and leaves the bank's own parameters in `redirectParams`.
 */
export function ConsentApp({ client, note, onLeave }: { client: OnboardingClient; note?: string; onLeave: () => void }) {
  const flow = useOnboarding(client, { skill: consent, tenantUserId: 'demo-user-42', resume: true });
  const [busy, perform, setBusy] = usePerform();

  const phase = phaseOf(flow);
  const error = flow.error;
  let screen;
  switch (phase) {
    case 'starting':
      screen = <Busy title="One moment…" />;
      break;
    case 'consent':
      screen = (
        <Form
          id="consent-form"
          title="Connect your bank account"
          busy={busy}
          submit="Continue"
          onSubmit={(f) =>
            perform(async () => {
              await flow.start();
              await flow.submitStep('consent_form', { bank: f.get('bank') as ConsentForm['bank'], scope: f.get('scope') as ConsentForm['scope'] });
            })
          }
        >
          <p className="muted">Choose your bank and what we may see. You approve it on your bank’s own page.</p>
          <Field label="Your bank">
            <select name="bank" defaultValue="northwind">
              {BANKS.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          </Field>
          <Field label="What we may see">
            <select name="scope" defaultValue="balances">
              {SCOPES.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          </Field>
        </Form>
      );
      break;
    case 'bank':
      screen = (
        <Form
          id="bank-form"
          title="Continue to your bank"
          busy={busy}
          submit="Continue to your bank"
          onSubmit={() =>
            perform(async () => {
              const session = flow.session!;
              // A return address with a single-use `state` bound to this session; `storage` keeps it while the page is away.
              const step = await flow.submitStep('bank_redirect', { return_url: session.returnUrl(location.origin + location.pathname) });
              session.followRedirect(step.data.redirect_url); // checked (https, or http on localhost), recorded, then the page leaves
              setBusy(true); // stays busy until the page is gone
            })
          }
        >
          <p className="muted">You will leave this page for your bank’s own, sign in there and approve. Your bank sends you back here.</p>
        </Form>
      );
      break;
    case 'confirm':
      screen = (
        <Form id="consent-confirm-form" title="Your bank approved" busy={busy} submit="Confirm and finish" onSubmit={(f) => perform(() => flow.submitStep('confirm', { accept: (f.get('accept') === 'on') as true }))}>
          <label className="check">
            <input type="checkbox" name="accept" />
            <span>I agree that Northwind Bank may see the accounts I chose, for 90 days.</span>
          </label>
        </Form>
      );
      break;
    case 'refused': {
      const code = flow.redirectParams!.error!;
      // The bank's answer is not an SDK error: wrapped in one, userMessage picks the sentence by its code.
      screen = <Problem title="Your bank did not give access" detail={userMessage(new OnboardingError(code, `the bank answered error=${code}`), BANK_MESSAGES)} action="Start again" onAction={onLeave} />;
      break;
    }
    case 'problem':
      screen = <Problem title="We could not continue" detail={userMessage(error)} action="Start again" onAction={onLeave} />;
      break;
    case 'handing-off':
      screen = <Busy id="handoff" title="Handing off securely…" detail="Your consent is complete. We are passing it to Northwind’s servers." />;
      break;
    case 'done':
      screen = (
        <section className="card center" id="done">
          <div className="tick" aria-hidden="true">✓</div>
          <h1>Your bank account is connected</h1>
          <p className="muted">Thanks — we can now see the accounts you chose to share.</p>
          <button type="button" className="secondary" id="home" onClick={onLeave}>
            Back to the start
          </button>
        </section>
      );
      break;
    case 'handoff-failed':
      screen = <Problem title="Almost there" detail="You’re all done, but we could not reach our servers to record it." action="Try again" onAction={() => perform(flow.retryHandoff)} />;
      break;
    default:
      screen = <Problem title={phase === 'expired' ? 'Your session expired' : 'We lost track of your session'} detail="For your security, sessions are short-lived. Please start again." action="Start again" onAction={onLeave} />;
  }

  const stepNames = consent.stepNames;
  const finished = phase === 'done' || phase === 'handing-off' || phase === 'handoff-failed';
  const shownIndex = phase === 'consent' ? 0 : phase === 'bank' || phase === 'refused' ? 1 : phase === 'confirm' ? 2 : (flow.snapshot?.stepIndex ?? 0);
  const alert = error && (phase === 'consent' || phase === 'bank' || phase === 'confirm');
  return (
    <Frame phase={phase} journey="consent" tag="Connect your bank" stepNames={stepNames} labels={LABELS} shownIndex={shownIndex} finished={finished} alert={alert && error}>
      {screen}
      {note && <p className="footnote">{note}</p>}
    </Frame>
  );
}
