import { OnboardingError, type OnboardingValidationIssue } from './errors.js';
import type { SkillDefinition } from './skill.js';
import { toNamedFile } from './internal/named-file.js';

/**
 * Checks a step before its nonce is spent: a name and a plain object, and for
 * a defined skill the step's place in the order and its data against the
 * step's schema. Returns the payload to send.
 */
export async function checkStep(
  definition: SkillDefinition | undefined,
  done: number,
  uploaded: number,
  step: unknown,
  data: unknown,
): Promise<Record<string, unknown>> {
  if (typeof step !== 'string' || step === '') {
    throw new OnboardingError('validation_error', '`step` must be a non-empty string.');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new OnboardingError('validation_error', `The data of step "${step}" must be a plain object.`);
  }
  if (!definition) return data as Record<string, unknown>;
  const expected = definition.stepNames[done];
  if (step !== expected) {
    throw new OnboardingError(
      'step_out_of_order',
      expected
        ? `Step "${step}" cannot be submitted now: the next step of ${definition.name} is "${expected}".`
        : `Step "${step}" cannot be submitted: all steps of ${definition.name} are done.`,
    );
  }
  const previous = definition.stepNames[done - 1];
  const required = (previous && definition.uploads[previous]?.minFiles) || 0;
  if (uploaded < required) {
    throw new OnboardingError('uploads_missing', `Step "${previous}" needs ${required} accepted uploads (${uploaded} so far) before "${step}".`);
  }
  return validateStepData(definition, step, data as Record<string, unknown>);
}

/**
 * Validates a step's data with the skill's schema before anything is sent, so
 * invalid input costs no round trip and spends no nonce. Issues keep paths and
 * messages only: the values may be personal data or secrets.
 */
export async function validateStepData(
  definition: SkillDefinition,
  step: string,
  data: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const schema = definition.steps[step];
  if (!schema) return data;
  let result: Awaited<ReturnType<typeof schema['~standard']['validate']>>;
  try {
    result = await schema['~standard'].validate(data);
  } catch (cause) {
    throw new OnboardingError('validation_error', `The schema of step "${step}" threw while validating.`, { cause });
  }
  if (result.issues) {
    const issues: OnboardingValidationIssue[] = result.issues.map((issue) => {
      const path = issue.path?.map((p) => (typeof p === 'object' && p !== null ? p.key : p));
      return { message: withoutValue(issue.message, valueAt(data, path)), path };
    });
    const where = issues.map((i) => (i.path?.length ? i.path.join('.') : '(root)')).join(', ');
    throw new OnboardingError('validation_error', `The data of step "${step}" is invalid at: ${where}.`, { issues });
  }
  // Send what the schema produced (defaults, coercions), as the integrator declared.
  return result.value as Record<string, unknown>;
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey> | undefined): unknown {
  let value = data;
  for (const key of path ?? []) value = (value as Record<PropertyKey, unknown> | null | undefined)?.[key];
  return value;
}

/**
 * Some schema libraries quote the received value in their messages
 * (`Received "…"`); the value may be personal data or a secret, so it is cut
 * out before the message reaches an error, an event or a log.
 */
function withoutValue(message: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') return message;
  const text = String(value);
  // One or two characters are no secret, and cutting them would garble the message.
  return text.length > 2 ? message.split(text).join('[value]') : message;
}

function accepts(accept: readonly string[], type: string): boolean {
  const t = type.toLowerCase();
  return accept.some((a) => {
    const rule = a.toLowerCase().trim();
    return rule === t || (rule.endsWith('/*') && t.startsWith(rule.slice(0, -1)));
  });
}

/**
 * Applies a step's upload rules before any byte is sent: the type is checked
 * on the file as given, then the optional `prepare` runs (e.g. photo
 * downscaling), then the size is checked on what will actually be sent.
 */
export async function prepareUpload(definition: SkillDefinition, step: string, file: File): Promise<File> {
  const rules = definition.uploads[step];
  if (!rules) return file;
  if (rules.accept && !accepts(rules.accept, file.type)) {
    throw new OnboardingError(
      'validation_error',
      `Files of type "${file.type}" are not accepted for step "${step}" (allowed: ${rules.accept.join(', ')}).`,
      { issues: [{ message: 'file type not accepted', path: ['file', 'type'] }] },
    );
  }
  let prepared = file;
  if (rules.prepare) {
    try {
      prepared = toNamedFile(await rules.prepare(file), undefined, file.name);
    } catch (cause) {
      throw new OnboardingError('validation_error', `Preparing the file for step "${step}" failed.`, { cause });
    }
  }
  if (rules.maxBytes !== undefined && prepared.size > rules.maxBytes) {
    throw new OnboardingError(
      'validation_error',
      `The file is ${prepared.size} bytes; step "${step}" accepts at most ${rules.maxBytes}.`,
      { issues: [{ message: 'file too large', path: ['file', 'size'] }] },
    );
  }
  return prepared;
}
