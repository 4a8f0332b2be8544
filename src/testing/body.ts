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

/**
 * Parses the upload itself rather than with `request.formData()`: under jsdom,
 * Node's multipart parser builds jsdom's `File` and throws on its own type
 * check, so an intact upload could not be read. Then refuses a part that
 * arrived as something other than the file that was sent (see `lostFile`).
 */
export async function readMultipart(request: Request): Promise<ReadBody<UploadParts>> {
  const contentType = request.headers.get('content-type') ?? '';
  const boundary = /\bboundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  if (!MULTIPART_TYPE.test(contentType) || !boundary) {
    return {
      ok: false,
      raw: await request.text(),
      error: badRequest(
        'missing_fields',
        `expected a multipart/form-data body (with its boundary) with parts client_id, nonce and file, got content-type "${contentType}"`,
      ),
    };
  }
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  try {
    bytes = new Uint8Array(await request.arrayBuffer());
  } catch {
    // The sender's stream failed: nothing complete arrived.
  }
  const parts = bytes && parseMultipart(bytes, boundary[1] ?? boundary[2]!);
  if (!bytes || !parts) {
    return {
      ok: false,
      raw: bytes && new TextDecoder().decode(bytes),
      error: badRequest(
        'missing_fields',
        `the multipart body (${bytes?.length ?? 'unreadable'} bytes) does not end with its closing boundary: it was cut short or is not multipart/form-data ` +
          'with parts client_id, nonce and file',
      ),
    };
  }
  const first = (name: string) => parts.find((p) => p.name === name);
  const file = first('file');
  const value: UploadParts = {
    client_id: first('client_id')?.text ?? null,
    nonce: first('nonce')?.text ?? null,
    file: file ? (file.fileName === undefined ? file.text : new File([file.body], file.fileName, { type: file.type })) : null,
  };
  const declared = request.headers.get('content-length');
  const problem =
    declared !== null && declared !== '' && Number(declared) !== bytes.length
      ? `the body is ${bytes.length} bytes but its content-length header says ${declared}: it was cut or rewritten between the sender and the kit`
      : file && lostFile(file);
  return problem ? { ok: false, raw: describeParts(value), error: badRequest('invalid_field', problem) } : { ok: true, value };
}

/** One part of a multipart/form-data body. */
interface Part {
  name: string | undefined;
  /** The `filename` parameter, when the part is a file. */
  fileName: string | undefined;
  type: string;
  body: Uint8Array<ArrayBuffer>;
  text: string;
}

const HOW_TO =
  'onboarding-sdk writes the multipart bytes itself in such runtimes (update it if this came from its upload); a FormData you build must hold a File of the ' +
  "runtime that sends it (new File([bytes], 'id.jpg', { type })), or run the test under happy-dom. " +
  'README: "Testing your app with the kit"';
/** What a lost object reads as once a layer stringified it. */
const STRINGIFIED = /^(?:undefined|null|\[object \w*\])$/;

/**
 * Why a `file` part is not the file that was sent, or undefined. Each case is
 * a test DOM's artefact seen in the wild: the part arrived as text, as a
 * 9-byte "blob" holding "undefined", with the name "blob", or empty.
 */
function lostFile(part: Part): string | undefined {
  const shown = JSON.stringify(part.text.slice(0, 40));
  if (part.fileName === undefined) {
    return STRINGIFIED.test(part.text)
      ? `the file part must be a file, but arrived as the text ${shown}: the sender's FormData held a File its fetch or XMLHttpRequest ` +
          `could not read (under jsdom, jsdom's File handed to Node's fetch, or converted by a mock layer). ${HOW_TO}`
      : undefined; // a plain text field: refused by the protocol check
  }
  if (part.body.length <= 24 && STRINGIFIED.test(part.text)) {
    return (
      `the file part "${part.fileName}" arrived holding the ${part.body.length} bytes ${shown}, not a file's bytes: a layer between ` +
      `the app and the kit read the file as ${shown} (under jsdom, vitest's Request/FormData conversion of jsdom's File with msw 2 ` +
      `or vitest 4 does this, and renames it "blob"). ${HOW_TO}`
    );
  }
  if (part.fileName === 'blob') {
    return (
      'the file part is named "blob", the name FormData gives a Blob appended without its file name: the name was lost on the way ' +
      `(happy-dom's FormData.append(name, blob, fileName) keeps "blob"; under jsdom, vitest's FormData conversion drops names). ${HOW_TO}`
    );
  }
  if (part.body.length === 0) {
    return (
      `the file part "${part.fileName}" arrived empty (0 bytes): no document is empty, so its bytes were most likely lost on the way ` +
      `(under jsdom, vitest's fetch layer can turn jsdom's File into an empty Blob). ${HOW_TO}`
    );
  }
  return undefined;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  for (let i = haystack.indexOf(needle[0]!, from); i !== -1 && i + needle.length <= haystack.length; i = haystack.indexOf(needle[0]!, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** Browsers escape `"`, CR and LF in names as %22, %0D, %0A (HTML's multipart/form-data encoding). */
const unescapeName = (name: string) => name.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');

/**
 * The parts of a multipart/form-data body (RFC 7578), or undefined when it is
 * not one or ends before its closing boundary (cut short on the way).
 */
export function parseMultipart(bytes: Uint8Array<ArrayBuffer>, boundary: string): Part[] | undefined {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  // The first delimiter may start the body, without the CRLF before it; a preamble may come before.
  const opening = delimiter.subarray(2);
  let at = indexOf(bytes.subarray(0, opening.length), opening, 0) === 0 ? 0 : indexOf(bytes, delimiter, 0) + 2;
  if (at === 1) return undefined;
  const parts: Part[] = [];
  for (;;) {
    at += opening.length;
    if (bytes[at] === 45 && bytes[at + 1] === 45) return parts; // "--": the closing delimiter
    while (bytes[at] === 32 || bytes[at] === 9) at++; // transport padding
    if (bytes[at] !== 13 || bytes[at + 1] !== 10) return undefined;
    at += 2;
    const headerEnd = bytes[at] === 13 && bytes[at + 1] === 10 ? at : indexOf(bytes, encoder.encode('\r\n\r\n'), at);
    if (headerEnd < 0) return undefined;
    const next = indexOf(bytes, delimiter, headerEnd + (headerEnd === at ? 2 : 4));
    if (next < 0) return undefined;
    const headers = new Map<string, string>();
    for (const line of decoder.decode(bytes.subarray(at, headerEnd)).split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const params = new Map<string, string>();
    for (const [, key, quoted, bare] of (headers.get('content-disposition') ?? '').matchAll(/;\s*([^\s=;]+)\s*=\s*(?:"([^"]*)"|([^;\s]*))/g)) {
      params.set(key!.toLowerCase(), quoted ?? bare ?? '');
    }
    const body = bytes.subarray(headerEnd + (headerEnd === at ? 2 : 4), next);
    const fileName = params.get('filename');
    parts.push({
      name: params.has('name') ? unescapeName(params.get('name')!) : undefined,
      fileName: fileName === undefined ? undefined : unescapeName(fileName),
      type: headers.get('content-type') ?? 'text/plain',
      body,
      text: decoder.decode(body.subarray(0, fileName === undefined ? body.length : 64)),
    });
    at = next + 2;
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
