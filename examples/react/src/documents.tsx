import { useState } from 'react';
import { userMessage, type UploadOptions, type UploadResult } from 'onboarding-sdk';
import { Form } from './steps';

type DocKind = 'id' | 'selfie';

/** How many documents the step takes: the screen stays until the session has accepted this many. */
export const DOCUMENT_COUNT = 2;

/**
 * One file input's own state. Each input keeps its own: a file rejected in
 * one never empties the other, and an input whose file the server accepted
 * is done — that file is never sent again, whatever happens to the other.
 */
interface Slot {
  file?: File;
  accepted?: UploadResult;
  /** 0…1 while the file is being sent. */
  sending?: number;
  problem?: string;
}

interface Picker {
  id: string;
  text: string;
  capture?: 'user' | 'environment';
  accept: string;
}

/**
 * On a phone, `capture` opens the camera straight away: the rear one for the
 * ID (next to a plain "Choose a file", so a PDF scan stays possible), the
 * front one for the selfie. Listing the exact types (not `image/*`) makes iOS
 * hand over a JPEG rather than a HEIC photo the API would refuse.
 */
const DOCS: Record<DocKind, { label: string; hint: string; pickers: Picker[] }> = {
  id: {
    label: 'ID document',
    hint: 'Passport or ID card · JPEG, PNG or PDF · up to 10\u00a0MB',
    pickers: [
      { id: 'id-camera', text: 'Take a photo', capture: 'environment', accept: 'image/jpeg,image/png' },
      { id: 'id-file', text: 'Choose a file', accept: 'image/jpeg,image/png,application/pdf' },
    ],
  },
  selfie: {
    label: 'Selfie',
    hint: 'A clear photo of your face · JPEG or PNG',
    pickers: [{ id: 'selfie-file', text: 'Take a selfie', capture: 'user', accept: 'image/jpeg,image/png' }],
  },
};
const KINDS = Object.keys(DOCS) as DocKind[];

const NOT_USABLE = { validation_error: 'This file can’t be used. Please choose another one.' };

/**
 * The documents step: the step is submitted once (uploads target its id),
 * then each input's file is uploaded unless the server already accepted it.
 * After a rejection only that input needs a new file.
 */
export function DocumentsStep({
  busy,
  perform,
  stepId,
  upload,
}: {
  busy: boolean;
  /** Runs the submission as the app's one action in progress. */
  perform: (action: () => Promise<unknown>) => unknown;
  /** The documents step's id: submits the step the first time, then gives the same id. */
  stepId: () => Promise<string>;
  upload: (file: File, options: UploadOptions) => Promise<UploadResult>;
}) {
  const [slots, setSlots] = useState<Record<DocKind, Slot>>({ id: {}, selfie: {} });
  const update = (kind: DocKind, change: (slot: Slot) => Slot) => setSlots((all) => ({ ...all, [kind]: change(all[kind]) }));

  const pick = (kind: DocKind) => (e: { currentTarget: HTMLInputElement }) => {
    const file = e.currentTarget.files?.[0];
    // Two pickers feed the ID: a cancelled one keeps what the other chose. A new file replaces a refused one, never an accepted one.
    if (file) update(kind, (slot) => (slot.accepted ? slot : { file }));
  };

  const send = async () => {
    const missing = KINDS.filter((kind) => !slots[kind].file);
    if (missing.length) {
      for (const kind of missing) update(kind, (slot) => ({ ...slot, problem: `Choose your ${DOCS[kind].label.toLowerCase()}.` }));
      return;
    }
    const target = await stepId();
    for (const kind of KINDS) {
      const { file, accepted } = slots[kind];
      if (accepted || !file) continue;
      update(kind, (slot) => ({ ...slot, sending: 0, problem: undefined }));
      try {
        const result = await upload(file, {
          stepId: target,
          onProgress: ({ loaded, total }) => update(kind, (slot) => ({ ...slot, sending: total > 0 ? Math.min(1, loaded / total) : 0 })),
        });
        update(kind, (slot) => ({ ...slot, accepted: result, sending: undefined }));
      } catch (error) {
        // Next to its own input; the other document carries on.
        update(kind, (slot) => ({ ...slot, sending: undefined, problem: userMessage(error, NOT_USABLE) }));
      }
    }
  };

  return (
    <Form id="documents-form" title="Upload your documents" busy={busy} submit="Upload and continue" onSubmit={() => perform(send)}>
      {KINDS.map((kind) => (
        <Document key={kind} kind={kind} slot={slots[kind]} busy={busy} onPick={pick(kind)} />
      ))}
    </Form>
  );
}

function Document({ kind, slot, busy, onPick }: { kind: DocKind; slot: Slot; busy: boolean; onPick: (e: { currentTarget: HTMLInputElement }) => void }) {
  const { label, hint, pickers } = DOCS[kind];
  return (
    <div className="doc" role="group" aria-labelledby={`${kind}-label`} data-doc={kind} data-accepted={slot.accepted ? 'true' : undefined}>
      <span className="label" id={`${kind}-label`}>
        {label}
      </span>
      <span className="hint" id={`${kind}-hint`}>
        {hint}
      </span>
      <div className="picks">
        {pickers.map((p) => (
          <label className="pick" key={p.id}>
            <input type="file" id={p.id} name={kind} className="visually-hidden" accept={p.accept} capture={p.capture} aria-describedby={`${kind}-hint`} disabled={busy || !!slot.accepted} onChange={onPick} />
            {p.text}
            <span className="visually-hidden"> · {label}</span>
          </label>
        ))}
      </div>
      {slot.sending !== undefined && <progress max={1} value={slot.sending} aria-label={`${label} upload`} />}
      <span className="error" data-error-for={kind}>
        {slot.problem}
      </span>
      <span className="status" id={`${kind}-status`} aria-live="polite">
        {describe(slot)}
      </span>
    </div>
  );
}

function describe({ file, accepted, sending }: Slot): string {
  if (!file) return '';
  if (accepted) return `${file.name} · uploaded ✓`;
  if (sending !== undefined) return `Uploading ${file.name} · ${Math.round(sending * 100)}%`;
  return `${file.name} · ${file.size >= 1_048_576 ? `${(file.size / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(file.size / 1024))} KB`}`;
}
