import { UPLOAD_PROGRESS_INTERVAL_MS } from './defaults.js';
import { OnboardingError } from './errors.js';

/** Bytes sent so far; `total` is the size of the request body being sent. */
export interface UploadProgress {
  /** Bytes of the file sent so far. */
  loaded: number;
  /** Size of the file; constant through one upload, so `loaded / total` is the fraction done. */
  total: number;
}

function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const at = line.indexOf(':');
    try {
      if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
    } catch {
      // A header Headers refuses is one the SDK does not need.
    }
  }
  return headers;
}

/** Options of `createXhrFetch`. */
export interface XhrFetchOptions {
  /** Size of the file inside the body: progress is reported in file bytes, not in bytes of the multipart framing. */
  fileSize?: number;
  /**
   * Largest answer accepted, in bytes; a larger one aborts the request.
   * @default Infinity
   */
  maxResponseBytes?: number;
  /**
   * Clock in ms that spaces progress reports (the SDK passes its config's `now`, so tests drive it).
   * @default Date.now
   */
  now?: () => number;
}

/**
 * Passes on at most one progress report per `UPLOAD_PROGRESS_INTERVAL_MS`,
 * always the first and the final one (100 %), never one that does not move
 * past the last reported: a progress bar gets a start, steady steps and its
 * end, whatever rate the engine fires at.
 */
function throttleProgress(report: (progress: UploadProgress) => void, now: () => number): (progress: UploadProgress) => void {
  let lastLoaded: number | undefined;
  let lastAt = 0;
  return (progress) => {
    const at = now();
    if (lastLoaded !== undefined) {
      // Backwards would make a bar jump back; the same figure again tells the UI nothing.
      if (progress.loaded <= lastLoaded) return;
      const elapsed = at - lastAt;
      // A clock set back (elapsed < 0) must not hold reports back until it catches up.
      if (progress.loaded < progress.total && elapsed >= 0 && elapsed < UPLOAD_PROGRESS_INTERVAL_MS) return;
    }
    lastLoaded = progress.loaded;
    lastAt = at;
    report(progress);
  };
}

/** Whether this runtime can report real upload progress. */
export function hasXhr(): boolean {
  return typeof XMLHttpRequest === 'function';
}

/**
 * A `fetch` look-alike over XMLHttpRequest, because `fetch` cannot report
 * upload progress over HTTP/1.1 and XHR can. It sends the original FormData
 * (not the request's serialized body), so the file streams from disk as the
 * browser reads it, or the multipart bytes the SDK wrote where the runtime's
 * fetch classes cannot serialise its FormData (a test DOM); the signal (the
 * caller's abort, the transport's deadline) aborts it. Progress reaches
 * `onProgress` thinned to one report per `UPLOAD_PROGRESS_INTERVAL_MS` of
 * `now`, always with the first and the final (100 %) one, never backwards.
 */
export function createXhrFetch(
  form: FormData | Uint8Array<ArrayBuffer>,
  onProgress: (progress: UploadProgress) => void,
  { fileSize, maxResponseBytes = Infinity, now = () => Date.now() }: XhrFetchOptions = {},
): typeof globalThis.fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      // Called as fetch(url, init) by the transport; a Request alone works too.
      const request = typeof input === 'string' || input instanceof URL ? undefined : input;
      const url = request?.url ?? String(input);
      const xhr = new XMLHttpRequest();
      const signal = (init?.signal ?? request?.signal)!;
      const onAbort = () => xhr.abort();
      xhr.open(init?.method ?? request?.method ?? 'POST', url);
      new Headers(init?.headers ?? request?.headers).forEach((value, key) => {
        // The browser writes a FormData's multipart content-type with its own boundary;
        // written bytes come with theirs.
        if (key.toLowerCase() !== 'content-type' || ArrayBuffer.isView(form)) xhr.setRequestHeader(key, value);
      });
      // One throttle per request: a new attempt starts its own first report.
      const report = throttleProgress(onProgress, now);
      xhr.upload.onprogress = (event) => {
        // XHR counts multipart framing too; report in file bytes so `total` never changes under a progress bar.
        if (!event.lengthComputable || event.total <= 0) return;
        if (fileSize === undefined) return report({ loaded: event.loaded, total: event.total });
        report({ loaded: Math.min(fileSize, Math.round((event.loaded / event.total) * fileSize)), total: fileSize });
      };
      // XHR buffers the whole answer itself: stop it as soon as it passes the cap.
      let tooLarge = false;
      xhr.onprogress = (event) => {
        if (event.loaded > maxResponseBytes) {
          tooLarge = true;
          xhr.abort();
        }
      };
      const settle = (outcome: () => void) => {
        signal.removeEventListener('abort', onAbort);
        outcome();
      };
      xhr.onload = () =>
        settle(() => {
          try {
            // Status 0 means no HTTP answer reached the page (CORS refusal, connection cut).
            if (xhr.status === 0) throw new TypeError('Network request failed');
            // XHR follows redirects before page code can stop it; the least the SDK
            // can do is never use an answer from another address.
            if (xhr.responseURL && new URL(xhr.responseURL).href !== new URL(url).href) {
              throw new OnboardingError('redirect_refused', 'The upload was redirected to another address by the server; its answer was not used.');
            }
            if (xhr.responseText.length > maxResponseBytes) {
              throw new OnboardingError('invalid_response', `The upload's answer was larger than ${maxResponseBytes} bytes.`);
            }
            const body = [204, 205, 304].includes(xhr.status) ? null : xhr.responseText;
            resolve(new Response(body, { status: xhr.status, statusText: xhr.statusText, headers: parseHeaders(xhr.getAllResponseHeaders()) }));
          } catch (error) {
            // Never leave the promise pending on an answer Response cannot represent.
            reject(error instanceof TypeError || error instanceof OnboardingError ? error : new TypeError('Network request failed'));
          }
        });
      xhr.onerror = () => settle(() => reject(new TypeError('Network request failed')));
      xhr.onabort = () =>
        settle(() =>
          reject(
            tooLarge
              ? new OnboardingError('invalid_response', `The upload's answer was larger than ${maxResponseBytes} bytes.`)
              : (signal.reason ?? new DOMException('The upload was aborted.', 'AbortError')),
          ),
        );
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      xhr.send(form);
    });
}
