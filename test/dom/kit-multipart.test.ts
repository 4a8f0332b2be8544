/**
 * The kit's own multipart parser (it no longer calls `request.formData()`,
 * which throws under jsdom) and its refusals of parts that are not the file
 * that was sent. Through `readMultipart` directly, so a request can carry what
 * no runtime's fetch would send (a lying content-length, odd framing).
 */
import { describe, expect, it } from 'vitest';
import { parseMultipart, readMultipart } from '../../src/testing/body.js';
import { multipart } from './scenarios.js';

const URL = 'https://api.example.com/v1/steps/s-1/upload';
const encode = (text: string) => new TextEncoder().encode(text);

function request(body: Uint8Array<ArrayBuffer> | string, contentType: string, headers: Record<string, string> = {}) {
  return new Request(URL, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
}

async function read(body: Uint8Array<ArrayBuffer> | string, contentType: string, headers: Record<string, string> = {}) {
  const result = await readMultipart(request(body, contentType, headers));
  if (result.ok) return { ok: true as const, parts: result.value };
  return { ok: false as const, status: result.error.status, code: result.error.code, message: result.error.message, raw: result.raw };
}

describe('parseMultipart', () => {
  it('reads text fields and file parts, with a preamble, transport padding and a part without headers', () => {
    const body = encode(
      'preamble to ignore\r\n--b1  \r\nContent-Disposition: form-data; name="client_id"\r\n\r\nc-1\r\n' +
        '--b1\r\ncontent-disposition: form-data; name=nonce\r\n\r\nn-1\r\n' +
        '--b1\r\n\r\nno headers\r\n' +
        '--b1\r\nContent-Disposition: form-data; name="file"; filename="a%22b%0A.txt"\r\nContent-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n' +
        '--b1--\r\nepilogue',
    );

    const parts = parseMultipart(body, 'b1')!;

    expect(parts.map((p) => [p.name, p.fileName, p.type, p.text])).toEqual([
      ['client_id', undefined, 'text/plain', 'c-1'],
      ['nonce', undefined, 'text/plain', 'n-1'],
      [undefined, undefined, 'text/plain', 'no headers'],
      ['file', 'a"b\n.txt', 'text/plain', 'line 1\r\nline 2'],
    ]);
  });

  it('keeps every byte value of a binary part, including CR, LF and dashes next to the boundary', async () => {
    const bytes = new Uint8Array(4_096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
    bytes.set(encode('\r\n--b'), 2_000);
    bytes.set(encode('\r\n-'), bytes.length - 3);
    const { body, contentType } = multipart([{ name: 'file', value: bytes, fileName: 'x.bin' }]);

    const parts = parseMultipart(body, contentType.split('boundary=')[1]!)!;

    expect(parts[0]!.body).toEqual(bytes);
  });

  it('gives undefined for a body without its opening or closing boundary', () => {
    expect(parseMultipart(encode('no boundary here'), 'b')).toBeUndefined();
    expect(parseMultipart(encode('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\ncut'), 'b')).toBeUndefined();
    expect(parseMultipart(encode('--b--\r\n'), 'b')).toEqual([]);
  });
});

describe('readMultipart', () => {
  const parts = [
    { name: 'client_id', value: 'c-1' },
    { name: 'nonce', value: 'n-1' },
    { name: 'file', value: new Uint8Array(5_000).fill(42), fileName: 'id.jpg', type: 'image/jpeg' },
  ];

  it('gives the fields as strings and the file as a File with its name, type and bytes', async () => {
    const { body, contentType } = multipart(parts);

    const result = await read(body, contentType.replace('boundary=', 'boundary="').concat('"'));

    expect(result.ok).toBe(true);
    const value = (result as { parts: { client_id: unknown; nonce: unknown; file: File } }).parts;
    expect([value.client_id, value.nonce]).toEqual(['c-1', 'n-1']);
    expect([value.file.name, value.file.type, value.file.size]).toEqual(['id.jpg', 'image/jpeg', 5_000]);
    expect(new Uint8Array(await value.file.arrayBuffer())).toEqual(parts[2]!.value);
  });

  it('refuses a body whose content-length header does not match the bytes that arrived, naming it', async () => {
    const { body, contentType } = multipart(parts);

    const result = await read(body, contentType, { 'content-length': String(body.length + 100) });

    expect(result).toMatchObject({ ok: false, status: 400, code: 'invalid_field' });
    expect((result as { message: string }).message).toContain(`the body is ${body.length} bytes but its content-length header says ${body.length + 100}`);
  });

  it('accepts a body whose content-length header matches', async () => {
    const { body, contentType } = multipart(parts);

    expect((await read(body, contentType, { 'content-length': String(body.length) })).ok).toBe(true);
  });

  it.each([
    ['a text part "undefined" in place of the file', { name: 'file', value: 'undefined' }, 'arrived as the text "undefined"'],
    ['a text part "[object File]" in place of the file', { name: 'file', value: '[object File]' }, 'arrived as the text "[object File]"'],
    ['a 9-byte "blob" holding "undefined"', { name: 'file', value: 'undefined', fileName: 'blob', type: 'image/jpeg' }, 'holding the 9 bytes "undefined"'],
    ['a file holding "[object Blob]"', { name: 'file', value: '[object Blob]', fileName: 'id.jpg' }, 'holding the 13 bytes "[object Blob]"'],
    ['a file named "blob"', { name: 'file', value: 'real bytes', fileName: 'blob' }, 'named "blob"'],
    ['an empty file', { name: 'file', value: '', fileName: 'id.jpg' }, 'arrived empty (0 bytes)'],
  ])('refuses %s with 400 invalid_field, pointing at the test DOM and the README, and records what arrived', async (_, file, expected) => {
    const { body, contentType } = multipart([parts[0]!, parts[1]!, file]);

    const result = await read(body, contentType);

    expect(result).toMatchObject({ ok: false, status: 400, code: 'invalid_field' });
    const { message, raw } = result as { message: string; raw: { client_id: string; file: unknown } };
    expect(message).toContain(expected);
    expect(message).toContain('Testing your app with the kit');
    expect(raw.client_id).toBe('c-1');
  });

  it('passes a plain text part through (the protocol check refuses it as "must be a file")', async () => {
    const { body, contentType } = multipart([parts[0]!, parts[1]!, { name: 'file', value: 'not a file' }]);

    expect(await read(body, contentType)).toMatchObject({ ok: true, parts: { file: 'not a file' } });
  });

  it('refuses a body that is not multipart, or has no boundary, with 400 missing_fields', async () => {
    expect(await read('{}', 'application/json')).toMatchObject({ ok: false, status: 400, code: 'missing_fields', raw: '{}' });
    expect(await read('x', 'multipart/form-data')).toMatchObject({ ok: false, status: 400, code: 'missing_fields' });
  });
});
