/**
 * Reading and checking request bodies. Parsing never throws: a body the kit
 * cannot read is still recorded (as raw text) and then answered with the
 * documented 400, like a strict server would.
 */
import { MockApiError, badRequest } from './errors.js';

/** A parsed body, or the raw text plus the error to answer with. */
export type ReadBody<T> = { ok: true; value: T } | { ok: false; raw: unknown; error: MockApiError };

/** The parts of an upload as received; each may be missing or of the wrong kind. */
export interface UploadParts {
  client_id: unknown;
  nonce: unknown;
  file: unknown;
}

/** What the kit records about a received file (the Blob is kept so tests can compare bytes). */
export interface RecordedFile {
  /** The part's file name, as received. */
  name: string;
  /** The part's MIME type, as received. */
  type: string;
  /** Bytes received. */
  size: number;
  /** The bytes themselves, to compare with what was sent. */
  blob: Blob;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;

export async function readJson(request: Request): Promise<ReadBody<unknown>> {
  const raw = await request.text();
  const contentType = request.headers.get('content-type') ?? '';
  if (!JSON_TYPE.test(contentType)) {
    return { ok: false, raw, error: badRequest('invalid_field', `content-type must be application/json, got "${contentType}"`) };
  }
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false, raw, error: badRequest('missing_fields', 'request body is not valid JSON') };
  }
}

export async function readMultipart(request: Request): Promise<ReadBody<UploadParts>> {
  const contentType = request.headers.get('content-type') ?? '';
  const problem = badRequest('missing_fields', 'expected a multipart/form-data body with parts client_id, nonce and file');
  if (!MULTIPART_TYPE.test(contentType)) return { ok: false, raw: await request.text(), error: problem };
  try {
    const form = await request.formData();
    return { ok: true, value: { client_id: form.get('client_id'), nonce: form.get('nonce'), file: form.get('file') } };
  } catch {
    return { ok: false, raw: undefined, error: problem };
  }
}

/**
 * Duck-typed rather than `instanceof Blob`: under happy-dom (or any second
 * realm) the global `Blob`/`File` are not the classes that msw's parser builds.
 */
export function isBlobLike(value: unknown): value is Blob {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Blob).arrayBuffer === 'function' &&
    typeof (value as Blob).size === 'number' &&
    typeof (value as Blob).type === 'string'
  );
}

export function describeFile(blob: Blob): RecordedFile {
  const name = (blob as Partial<File>).name;
  return { name: typeof name === 'string' ? name : '', type: blob.type, size: blob.size, blob };
}

/** The shape recorded for an upload: the same keys as the parts, the file described. */
export function describeParts(parts: UploadParts): Record<keyof UploadParts, unknown> {
  return { ...parts, file: isBlobLike(parts.file) ? describeFile(parts.file) : (parts.file ?? undefined) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Requires `keys` to be non-empty strings: absent/empty -> 400 missing_fields
 * (listing all of them at once), present but not a string -> 400 invalid_field.
 */
export function requireStrings<K extends string>(body: unknown, keys: readonly K[]): Record<K, string> {
  if (!isPlainObject(body)) throw badRequest('missing_fields', `body must be an object with ${keys.join(', ')}`);
  const missing = keys.filter((k) => body[k] === undefined || body[k] === null || body[k] === '');
  if (missing.length > 0) throw badRequest('missing_fields', `missing fields: ${missing.join(', ')}`);
  const wrong = keys.filter((k) => typeof body[k] !== 'string');
  if (wrong.length > 0) throw badRequest('invalid_field', `fields must be strings: ${wrong.join(', ')}`);
  return body as Record<K, string>;
}

/** Requires `body[key]` to be a JSON object (a step's `data`). */
export function requireObject(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = body[key];
  if (value === undefined || value === null) throw badRequest('missing_fields', `missing fields: ${key}`);
  if (!isPlainObject(value)) throw badRequest('invalid_field', `${key} must be a JSON object`);
  return value;
}

/** An optional string field: absent is fine, anything but a string is 400 invalid_field. */
export function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest('invalid_field', `${key} must be a string`);
  return value;
}
