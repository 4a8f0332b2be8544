
const ignore = () => {};
// One decoder for every answer: decode() without `stream` keeps no state between calls.
let decoder: TextDecoder | undefined;

/**
 * Reads a body as text, but never more than `max` bytes: a `content-length`
 * over the cap is refused before a byte is read, and a streamed body is cut off
 * as soon as it passes the cap. Resolves undefined when the body is too large,
 * so the caller decides what that means (a broken 200, or an error whose body
 * is unreadable). Rejects with the signal's reason when it aborts mid-body.
 */
export async function readCapped(response: Response, max: number, signal: AbortSignal): Promise<string | undefined> {
  // A fetch that ignored its signal may answer after the deadline: nothing more is read then.
  signal.throwIfAborted();
  const stream = response.body;
  if (Number(response.headers.get('content-length')) > max) {
    void stream?.cancel().catch(ignore);
    return undefined;
  }
  if (!stream) return '';
  const reader = stream.getReader();
  // A fetch that ignores its signal must not keep the read waiting: cancelling ends it, and
  // one wait for the signal, raced by every read, covers a custom stream that never notices.
  const stop = () => void reader.cancel().catch(ignore);
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      stop();
      reject(signal.reason);
    };
  });
  aborted.catch(ignore);
  signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (signal.aborted) throw signal.reason;
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        stop();
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return (decoder ??= new TextDecoder()).decode(bytes);
}
