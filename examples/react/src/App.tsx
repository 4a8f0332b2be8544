import { useState, type FormEvent, type ReactNode } from 'react';
import type { OnboardingClient } from 'onboarding-sdk';
import { kyc, type PersonalData, type ProductForm } from '../../shared/kyc';
import { useOnboarding } from './useOnboarding';

const LABELS: Record<string, string> = {
  product_form: 'Your loan',
  personal_data: 'About you',
  kyc_documents: 'Documents',
  confirm: 'Confirm',
};

/** The KYC flow as React components over `useOnboarding`. */
export function App({ client }: { client: OnboardingClient }) {
  const flow = useOnboarding(client, { skill: kyc, tenantUserId: 'demo-user-42' });
  // Documents are uploaded after their step is submitted (uploads target the step's id),
  // so the screen stays on the documents until both files are in.
  const [docsStepId, setDocsStepId] = useState<string>();
  const [docsDone, setDocsDone] = useState(false);

  let screen: ReactNode;
  switch (flow.status) {
    case 'idle':
    case 'starting':
      screen = flow.error ? <Problem title="We could not start" detail={flow.error.message} action="Try again" onAction={flow.start} /> : <Busy title="Preparing your session…" />;
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
      screen = <Problem title="Almost there" detail="Your verification is complete, but we could not reach our servers to record it." action="Try again" onAction={flow.retryHandoff} />;
      break;
    case 'expired':
    case 'failed':
      screen = (
        <Problem
          title={flow.status === 'expired' ? 'Your session expired' : 'We lost track of your session'}
          detail="For your security, verification sessions are short-lived. Please start again."
          action="Start again"
          onAction={() => {
            setDocsStepId(undefined);
            setDocsDone(false);
            flow.reset();
          }}
        />
      );
      break;
    default: {
      const busy = flow.status === 'submitting' || flow.status === 'uploading';
      const step = docsStepId && !docsDone ? 'kyc_documents' : flow.currentStep;
      if (step === 'product_form') {
        screen = <ProductStep busy={busy} onSubmit={(data) => flow.submitStep('product_form', data)} />;
      } else if (step === 'personal_data') {
        screen = <PersonalStep busy={busy} onSubmit={(data) => flow.submitStep('personal_data', data)} />;
      } else if (step === 'kyc_documents') {
        screen = (
          <DocumentsStep
            busy={busy}
            progress={flow.uploadProgress}
            onSubmit={async (files) => {
              let stepId = docsStepId;
              if (!stepId) {
                stepId = (await flow.submitStep('kyc_documents', {}))?.stepId;
                if (!stepId) return;
                setDocsStepId(stepId);
              }
              for (const file of files) {
                if (!(await flow.upload(file, { stepId }))) return;
              }
              setDocsDone(true);
            }}
          />
        );
      } else {
        // `accept: false` is refused by the skill's schema before anything is sent.
        screen = <ConfirmStep busy={busy} onSubmit={(accept) => flow.submitStep('confirm', { accept: accept as true })} />;
      }
    }
  }

  const stepNames = kyc.stepNames;
  const done = flow.status === 'done' || flow.status === 'handing-off';
  const shownIndex = docsStepId && !docsDone ? stepNames.indexOf('kyc_documents') : flow.stepIndex;
  return (
    <div id="app" data-status={flow.status}>
      <header className="brand">
        <span className="logo" aria-hidden="true">N</span>
        <span className="brand-name">Northwind Bank</span>
        <span className="brand-tag">Identity verification</span>
      </header>
      <ol className="stepper" aria-label="Progress">
        {stepNames.map((name, i) => {
          const status = done || i < shownIndex ? 'done' : i === shownIndex ? 'current' : 'todo';
          return (
            <li key={name} data-status={status} aria-current={status === 'current' ? 'step' : undefined}>
              {LABELS[name]}
            </li>
          );
        })}
      </ol>
      {flow.error && flow.status !== 'idle' && (
        <div className="alert" role="alert">
          {flow.error.code === 'validation_error' ? (flow.error.issues?.map((i) => i.message).join(' · ') ?? flow.error.message) : flow.error.message}
        </div>
      )}
      {screen}
      <p className="footnote">Offline demo · the API is onboarding-sdk/testing, answering in this tab through msw’s service worker.</p>
    </div>
  );
}

function Busy({ title, detail, id }: { title: string; detail?: string; id?: string }) {
  return (
    <section className="card center" id={id}>
      <div className="spinner" aria-hidden="true" />
      <h1>{title}</h1>
      {detail && <p className="muted">{detail}</p>}
    </section>
  );
}

function Problem({ title, detail, action, onAction }: { title: string; detail: string; action: string; onAction: () => unknown }) {
  return (
    <section className="card center" id="problem">
      <h1>{title}</h1>
      <p className="muted">{detail}</p>
      <button type="button" className="secondary" onClick={() => void onAction()}>
        {action}
      </button>
    </section>
  );
}

/** An uncontrolled form: read with FormData on submit. */
function Form({ id, title, busy, children, submit, onSubmit }: { id: string; title: string; busy: boolean; children: ReactNode; submit: string; onSubmit: (form: FormData) => unknown }) {
  return (
    <form
      className="card"
      id={id}
      noValidate
      aria-busy={busy}
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        e.preventDefault();
        void onSubmit(new FormData(e.currentTarget));
      }}
    >
      <h1>{title}</h1>
      {children}
      <button type="submit" className="primary" disabled={busy}>
        {submit}
      </button>
    </form>
  );
}

function Field({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <label className={className ? `field ${className}` : 'field'}>
      <span className="label">{label}</span>
      {children}
    </label>
  );
}

function ProductStep({ busy, onSubmit }: { busy: boolean; onSubmit: (data: ProductForm) => unknown }) {
  return (
    <Form
      id="product-form"
      title="How much would you like to borrow?"
      busy={busy}
      submit="Continue"
      onSubmit={(f) => onSubmit({ value: String(f.get('value')).replace(/[\s,.]/g, ''), currency: f.get('currency') as ProductForm['currency'], period: f.get('period') as ProductForm['period'] })}
    >
      {/* Side by side even on a phone: the currency select is only as wide as its longest option. */}
      <div className="row keep">
        <Field label="Amount">
          <input name="value" inputMode="numeric" defaultValue="25000" />
        </Field>
        <Field label="Currency" className="narrow">
          <select name="currency" defaultValue="EUR">
            <option>EUR</option>
            <option>RON</option>
          </select>
        </Field>
      </div>
      <Field label="Repayment period">
        <select name="period" defaultValue="12">
          {['6', '12', '24', '36'].map((m) => (
            <option key={m} value={m}>
              {m} months
            </option>
          ))}
        </select>
      </Field>
    </Form>
  );
}

function PersonalStep({ busy, onSubmit }: { busy: boolean; onSubmit: (data: PersonalData) => unknown }) {
  return (
    <Form
      id="personal-form"
      title="Tell us about yourself"
      busy={busy}
      submit="Continue"
      onSubmit={(f) => onSubmit({ first_name: String(f.get('first_name')), last_name: String(f.get('last_name')), birth_date: String(f.get('birth_date')) })}
    >
      <div className="row">
        <Field label="First name">
          <input name="first_name" autoComplete="given-name" />
        </Field>
        <Field label="Last name">
          <input name="last_name" autoComplete="family-name" />
        </Field>
      </div>
      <Field label="Date of birth">
        <input name="birth_date" type="date" autoComplete="bday" />
      </Field>
    </Form>
  );
}

function DocumentsStep({ busy, progress, onSubmit }: { busy: boolean; progress: { fileName: string; ratio: number } | null; onSubmit: (files: File[]) => unknown }) {
  const [files, setFiles] = useState<{ id?: File; selfie?: File }>({});
  const [missing, setMissing] = useState(false);
  const pick = (kind: 'id' | 'selfie') => (e: { currentTarget: HTMLInputElement }) => {
    const file = e.currentTarget.files?.[0];
    // Two pickers feed the ID: a cancelled one keeps what the other chose.
    if (file) setFiles((f) => ({ ...f, [kind]: file }));
  };
  return (
    <Form
      id="documents-form"
      title="Upload your documents"
      busy={busy}
      submit="Upload and continue"
      onSubmit={() => {
        if (!files.id || !files.selfie) return setMissing(true);
        setMissing(false);
        return onSubmit([files.id, files.selfie]);
      }}
    >
      <Document
        kind="id"
        label="ID document"
        hint={'Passport or ID card · JPEG, PNG or PDF · up to 10\u00a0MB'}
        file={files.id}
        onPick={pick('id')}
        pickers={[
          { id: 'id-camera', text: 'Take a photo', capture: 'environment', accept: 'image/jpeg,image/png' },
          { id: 'id-file', text: 'Choose a file', accept: 'image/jpeg,image/png,application/pdf' },
        ]}
      />
      <Document
        kind="selfie"
        label="Selfie"
        hint="A clear photo of your face · JPEG or PNG"
        file={files.selfie}
        onPick={pick('selfie')}
        pickers={[{ id: 'selfie-file', text: 'Take a selfie', capture: 'user', accept: 'image/jpeg,image/png' }]}
      />
      {missing && <span className="error">Choose both files.</span>}
      {progress && (
        <div className="doc">
          <progress max={1} value={progress.ratio} aria-label="Upload progress" />
          <span className="status">
            {progress.fileName} · {Math.round(progress.ratio * 100)}%
          </span>
        </div>
      )}
    </Form>
  );
}

interface Picker {
  id: string;
  text: string;
  capture?: 'user' | 'environment';
  accept: string;
}

/**
 * A document's picker buttons. On a phone, `capture` opens the camera straight away:
 * the rear one for the ID (next to a plain "Choose a file", so a PDF scan stays
 * possible), the front one for the selfie. Listing the exact types (not `image/*`)
 * makes iOS hand over a JPEG rather than a HEIC photo the API would refuse.
 */
function Document({ kind, label, hint, file, pickers, onPick }: { kind: string; label: string; hint: string; file: File | undefined; pickers: Picker[]; onPick: (e: { currentTarget: HTMLInputElement }) => void }) {
  return (
    <div className="doc" role="group" aria-labelledby={`${kind}-label`}>
      <span className="label" id={`${kind}-label`}>
        {label}
      </span>
      <span className="hint" id={`${kind}-hint`}>
        {hint}
      </span>
      <div className="picks">
        {pickers.map((p) => (
          <label className="pick" key={p.id}>
            <input type="file" id={p.id} name={kind} className="visually-hidden" accept={p.accept} capture={p.capture} aria-describedby={`${kind}-hint`} onChange={onPick} />
            {p.text}
            <span className="visually-hidden"> · {label}</span>
          </label>
        ))}
      </div>
      <span className="status" id={`${kind}-status`} aria-live="polite">
        {file ? `${file.name} · ${file.size >= 1_048_576 ? `${(file.size / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(file.size / 1024))} KB`}` : ''}
      </span>
    </div>
  );
}

function ConfirmStep({ busy, onSubmit }: { busy: boolean; onSubmit: (accept: boolean) => unknown }) {
  return (
    <Form id="confirm-form" title="Check and confirm" busy={busy} submit="Confirm and finish" onSubmit={(f) => onSubmit(f.get('accept') === 'on')}>
      <label className="check">
        <input type="checkbox" name="accept" />
        <span>I confirm that my details are correct and consent to the identity check.</span>
      </label>
    </Form>
  );
}
