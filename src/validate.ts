import { OnboardingError, type OnboardingValidationIssue } from './errors.js';
import type { SkillDefinition } from './skill.js';
import { toNamedFile } from './upload.js';

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
  const result = await schema['~standard'].validate(data);
  if (result.issues) {
    const issues: OnboardingValidationIssue[] = result.issues.map((issue) => ({
      message: issue.message,
      path: issue.path?.map((p) => (typeof p === 'object' && p !== null ? p.key : p)),
    }));
    const where = issues.map((i) => (i.path?.length ? i.path.join('.') : '(root)')).join(', ');
    throw new OnboardingError('validation_error', `The data of step "${step}" is invalid at: ${where}.`, { issues });
  }
  // Send what the schema produced (defaults, coercions), as the integrator declared.
  return result.value as Record<string, unknown>;
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
  const prepared = rules.prepare ? toNamedFile(await rules.prepare(file), undefined, file.name) : file;
  if (rules.maxBytes !== undefined && prepared.size > rules.maxBytes) {
    throw new OnboardingError(
      'validation_error',
      `The file is ${prepared.size} bytes; step "${step}" accepts at most ${rules.maxBytes}.`,
      { issues: [{ message: 'file too large', path: ['file', 'size'] }] },
    );
  }
  return prepared;
}
