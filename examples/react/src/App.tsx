import type { ReactNode } from 'react';
import { Frame } from './frame';
import { usePerform } from './perform';
import { userMessage, type OnboardingClient } from 'onboarding-sdk';
import { useOnboarding, type UseOnboardingResult } from 'onboarding-sdk/react';
import { kyc } from '../../shared/kyc';
import { DOCUMENT_COUNT, DocumentsStep } from './documents';
import { Busy, ConfirmStep, PersonalStep, Problem, ProductStep } from './steps';

const LABELS: Record<string, string> = {
  product_form: 'Your loan',
  personal_data: 'About you',
  kyc_documents: 'Documents',
  confirm: 'Confirm',
};

type Flow = UseOnboardingResult<typeof kyc>;

/**
 * What the page shows, from the hook's status and the handoff's progress
 * (`data-status` on #app, which the browser test waits on).
 */
function phaseOf({ status, snapshot }: Flow): string {
  if (status === 'idle' || status === 'starting') return 'starting';
  if (status === 'active') return 'ready';
  if (status !== 'completed') return status; // expired, failed
  if (snapshot?.handoff === 'delivered') return 'done';
  return snapshot?.handoff === 'failed' ? 'handoff-failed' : 'handing-off';
}

/**
 * The step to show: the session's next one, except that the documents stay
 * on screen after their step was submitted until the session has accepted
 * every file (uploads target the step's id, so the step comes first). Read
 * from the session, not from an action in flight, so the documents form is
 * never swapped out — and its inputs never emptied — halfway through.
 */
function stepOf({ snapshot }: Flow): string | undefined {
  if (!snapshot) return undefined;
  const docsSubmitted = snapshot.completedSteps.at(-1) === 'kyc_documents';
  return docsSubmitted && snapshot.uploads < DOCUMENT_COUNT ? 'kyc_documents' : snapshot.currentStep;
}

/** The KYC flow as React components over `useOnboarding` (onboarding-sdk/react); `note`: the footnote, `onLeave`: back to the first screen. */
export function App({ client, note, onLeave }: { client: OnboardingClient; note?: string; onLeave?: () => void }) {
  // `resume`: a reload continues the stored session; `autoStart`: this page exists for the flow.
  const flow = useOnboarding(client, { skill: kyc, tenantUserId: 'demo-user-42', resume: true, autoStart: true });
  const [busy, perform] = usePerform();

  const phase = phaseOf(flow);
  const step = stepOf(flow);
  let screen: ReactNode;
  switch (phase) {
    case 'starting':
      screen = flow.error ? <Problem title="We could not start" detail={userMessage(flow.error)} action="Try again" onAction={() => perform(flow.start)} /> : <Busy title="Preparing your session…" />;
      break;
    case 'handing-off':
      screen = <Busy id="handoff" title="Handing off securely…" detail="Your verification is complete. We are passing it to Northwind’s servers." />;
      break;
    case 'done':
      screen = (
        <section className="card center" id="done">
          <div className="tick" aria-hidden="true">✓</div>
          <h1>You’re verified</h1>
          <p className="muted">Thanks — your application continues with your verified identity.</p>
        </section>
      );
      break;
    case 'handoff-failed':
      screen = <Problem title="Almost there" detail="Your verification is complete, but we could not reach our servers to record it." action="Try again" onAction={() => perform(flow.retryHandoff)} />;
      break;
    case 'expired':
    case 'failed':
      screen = (
        <Problem
          title={phase === 'expired' ? 'Your session expired' : 'We lost track of your session'}
          detail="For your security, verification sessions are short-lived. Please start again."
          action="Start again"
          // After `expired` or `failed`, start() creates a new session.
          onAction={() => perform(flow.start)}
        />
      );
      break;
    default:
      if (step === 'product_form') {
        screen = <ProductStep busy={busy} onSubmit={(data) => perform(() => flow.submitStep('product_form', data))} />;
      } else if (step === 'personal_data') {
        screen = <PersonalStep busy={busy} onSubmit={(data) => perform(() => flow.submitStep('personal_data', data))} />;
      } else if (step === 'kyc_documents') {
        const snapshot = flow.snapshot!;
        // Submitted at most once: after that (or after a reload) the session knows the step's id.
        const stepId = async () =>
          snapshot.completedSteps.at(-1) === 'kyc_documents' ? snapshot.lastStepId! : (await flow.submitStep('kyc_documents', {})).stepId;
        // Keyed by session: "Start again" gets empty inputs, a re-render never does.
        screen = <DocumentsStep key={flow.session?.id} busy={busy} perform={perform} stepId={stepId} upload={flow.upload} />;
      } else {
        // `accept: false` is refused by the skill's schema before anything is sent.
        screen = <ConfirmStep busy={busy} onSubmit={(accept) => perform(() => flow.submitStep('confirm', { accept: accept as true }))} />;
      }
  }

  const stepNames = kyc.stepNames;
  const finished = phase === 'done' || phase === 'handing-off' || phase === 'handoff-failed';
  const shownIndex = step ? stepNames.indexOf(step as (typeof stepNames)[number]) : (flow.snapshot?.stepIndex ?? 0);
  const error = flow.error;
  // A document's own problem is shown next to its input (a file refused by the skill's rules is a validation_error).
  const alert = error && !(step === 'kyc_documents' && error.code === 'validation_error') && phase !== 'starting';
  return (
    <Frame phase={phase} journey="kyc" tag="Identity verification" stepNames={stepNames} labels={LABELS} shownIndex={shownIndex} finished={finished} alert={alert && error}>
      {screen}
      {onLeave && (phase === 'done' || phase === 'expired' || phase === 'failed') && (
        <button type="button" className="secondary" id="home" onClick={onLeave}>
          Back to the start
        </button>
      )}
      {note && <p className="footnote">{note}</p>}
    </Frame>
  );
}
