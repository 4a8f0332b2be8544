import { OnboardingError } from '../errors.js';

/** The file as it goes on the wire: a `File` so its name survives every FormData implementation. */
export function toNamedFile(file: Blob, fileName: string | undefined, fallbackName = 'upload'): File {
  const name = fileName ?? (typeof File !== 'undefined' && file instanceof File && file.name ? file.name : fallbackName);
  const type = file.type || 'application/octet-stream';
  if (typeof File !== 'undefined' && file instanceof File && file.name === name && file.type === type) return file;
  // Wrapping references the blob's bytes, it does not copy them.
  return new File([file], name, { type });
}

/**
 * Whether this runtime's fetch classes serialise its own FormData, file name
 * and bytes intact. Browsers, Node and happy-dom do, streaming the file. Where
 * a test DOM's FormData and File meet Node's fetch classes (jsdom under
 * vitest) they do not: fetch sends "[object FormData]", or a layer converting
 * the body on the way (vitest's Request, which mock libraries construct)
 * throws, drops the file name or reads the file as "undefined". Probed on a
 * one-byte form through the runtime's own `Request`, never on the caller's file.
 */
export async function formDataSendable(): Promise<boolean> {
  let request: Request;
  try {
    const form = new FormData();
    form.append('f', new File(['~'], '~'));
    request = new Request('http://x', { method: 'POST', body: form });
  } catch {
    return false;
  }
  return (
    /^multipart\//.test(request.headers.get('content-type')!) &&
    // The file part, named and with its byte (`filename="~"`, its headers, an empty line, `~`). WebKit
    // cannot read a form's file back ("Unable to read form data blob") but sends it: nothing to check there.
    request.text().then((text) => /"~"[^]+\n~\r/.test(text), () => true)
  );
}

/**
 * Reads the file into memory, for runtimes where `formDataSendable()` is false
 * (test DOMs): every layer passes plain bytes through unchanged. A file whose
 * bytes cannot be read in full fails loudly rather than going out corrupted.
 */
export async function readAll(file: File): Promise<Uint8Array<ArrayBuffer>> {
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch {
    // Reported below.
  }
  if (bytes?.length === file.size) return bytes;
  throw new OnboardingError(
    'validation_error',
    `Read ${bytes?.length ?? 0} of the file's ${file.size} bytes: create it with the test DOM's own File, or test under happy-dom.`,
  );
}

/** The upload's multipart body and its content-type; `"`, CR and LF in the file name escaped as browsers do (%22, %0D, %0A). */
export function toMultipart(clientId: string, nonce: string, file: File, bytes: Uint8Array<ArrayBuffer>): [body: Uint8Array<ArrayBuffer>, type: string] {
  const boundary = `----onboarding-sdk${Math.random()}`;
  const part = (name: string, rest: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${rest}\r\n`;
  const encoder = new TextEncoder();
  const head = encoder.encode(
    part('client_id', `\r\n\r\n${clientId}`) +
      part('nonce', `\r\n\r\n${nonce}`) +
      part('file', `; filename="${file.name.replace(/["\r\n]/g, encodeURIComponent)}"\r\nContent-Type: ${file.type}\r\n`),
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.length + bytes.length + tail.length);
  body.set(head);
  body.set(bytes, head.length);
  body.set(tail, head.length + bytes.length);
  return [body, `multipart/form-data; boundary=${boundary}`];
}
