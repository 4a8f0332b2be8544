import type { FormEvent, ReactNode } from 'react';
import type { PersonalData, ProductForm } from '../../shared/kyc';

/** The screens around the flow's steps and the steps whose data is a plain form. */

export function Busy({ title, detail, id }: { title: string; detail?: string; id?: string }) {
  return (
    <section className="card center" id={id}>
      <div className="spinner" aria-hidden="true" />
      <h1>{title}</h1>
      {detail && <p className="muted">{detail}</p>}
    </section>
  );
}

export function Problem({ title, detail, action, onAction }: { title: string; detail: string; action: string; onAction: () => unknown }) {
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
export function Form({ id, title, busy, children, submit, onSubmit }: { id: string; title: string; busy: boolean; children: ReactNode; submit: string; onSubmit: (form: FormData) => unknown }) {
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

export function Field({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <label className={className ? `field ${className}` : 'field'}>
      <span className="label">{label}</span>
      {children}
    </label>
  );
}

export function ProductStep({ busy, onSubmit }: { busy: boolean; onSubmit: (data: ProductForm) => unknown }) {
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

export function PersonalStep({ busy, onSubmit }: { busy: boolean; onSubmit: (data: PersonalData) => unknown }) {
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

export function ConfirmStep({ busy, onSubmit }: { busy: boolean; onSubmit: (accept: boolean) => unknown }) {
  return (
    <Form id="confirm-form" title="Check and confirm" busy={busy} submit="Confirm and finish" onSubmit={(f) => onSubmit(f.get('accept') === 'on')}>
      <label className="check">
        <input type="checkbox" name="accept" />
        <span>I confirm that my details are correct and consent to the identity check.</span>
      </label>
    </Form>
  );
}
