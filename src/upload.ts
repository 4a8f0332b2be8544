import type { ResolvedConfig } from './config.js';
import { OnboardingError } from './errors.js';
import type { Log } from './internal/logger.js';
import { formDataSendable, readAll, toMultipart, toNamedFile } from './internal/named-file.js';
import { isSafeId } from './internal/url.js';
import type { SessionState } from './session-state.js';
import type { SkillDefinition } from './skill.js';
import { prepareUpload } from './validate.js';
import { createXhrFetch, hasXhr, type UploadProgress } from './xhr.js';

/** Options of `upload`. */
export interface UploadOptions {
  /**
   * The step the file belongs to.
   * @default the last submitted step
   */
  stepId?: string;
  /**
   * File name to send.
   * @default the File's own name, or `upload`
   */
  fileName?: string;
  /** Reports bytes sent (real progress in browsers; a final report elsewhere). */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborts the upload and stops sending; rejects with `aborted`. */
  signal?: AbortSignal;
}

/** What `upload` resolves with. */
export interface UploadResult {
  /** The step the file was uploaded for. */
  stepId: string;
  /** The API's status string, e.g. `UPLOAD_RECEIVED`. */
  status: string;
  /** The file name sent (after `fileName` and any `prepare` of the step's rules). */
  fileName: string;
  /** Bytes sent (of the prepared file, if the step prepares files). */
  size: number;
  /** MIME type sent; `application/octet-stream` when the file had none. */
  type: string;
}

/** What an upload needs from its session. */
export interface UploadContext {
  config: ResolvedConfig;
  definition: SkillDefinition | undefined;
  state: Pick<SessionState, 'lastStepId' | 'completedSteps' | 'stepIds'>;
  /** The session's `upload:progress` event. */
  onProgress: (progress: UploadProgress) => void;
  log: Log;
}

/**
 * Everything an upload checks and prepares before its nonce is spent: the
 * target step (URL-safe, known to a typed skill), the step's upload rules, the
 * transport (XHR where it gives real progress), and the multipart body per attempt.
 */
export async function uploadRequest(file: Blob, options: UploadOptions, ctx: UploadContext) {
  if (typeof Blob === 'undefined' || !(file instanceof Blob)) {
    throw new OnboardingError('validation_error', '`upload` needs a Blob or File.');
  }
  const { config, definition, state } = ctx;
  const stepId = options.stepId ?? state.lastStepId;
  if (!stepId) throw new OnboardingError('invalid_state', 'No step has been submitted yet: pass `stepId` or submit the step first.');
  // It goes into the URL's path: `..` or `/` would send the file to another endpoint.
  if (!isSafeId(stepId)) throw new OnboardingError('validation_error', '`stepId` is not a step id the API hands out.');
  let named = toNamedFile(file, options.fileName);
  if (definition) {
    const stepName = state.completedSteps[state.stepIds.lastIndexOf(stepId)];
    // A typed skill's upload rules must never be skipped because a step id is unknown.
    if (!stepName) throw new OnboardingError('invalid_state', `Step ${stepId} is not a step this session submitted.`);
    named = await prepareUpload(definition, stepName, named);
  }
  const mode = config.uploadTransport;
  const useXhr = mode === 'xhr' || (mode === 'auto' && hasXhr());
  if (useXhr && !hasXhr()) throw new OnboardingError('invalid_state', "uploadTransport is 'xhr' but this runtime has no XMLHttpRequest.");
  let reported = -1;
  const report = (progress: UploadProgress) => {
    reported = progress.loaded;
    try {
      options.onProgress?.(progress);
    } catch {
      // A UI callback's bug must not turn an upload the server received into a failure.
      ctx.log('onProgress threw');
    }
    ctx.onProgress(progress);
  };
  // Streamed where the runtime's fetch classes can serialise its FormData (browsers, Node,
  // happy-dom); elsewhere (jsdom under vitest) the SDK writes the multipart bytes itself.
  const bytes = (await formDataSendable()) ? undefined : await readAll(named);
  // One body per attempt (a body already sent cannot be sent again), with its content-type if written here.
  let current: [FormData | Uint8Array<ArrayBuffer>, string?];
  const form = (nonce: string) => {
    const data = new FormData();
    data.append('client_id', config.clientId);
    data.append('nonce', nonce);
    data.append('file', named, named.name);
    // Written bytes are sent by the `fetch` below in place of this FormData.
    current = bytes ? toMultipart(config.clientId, nonce, named, bytes) : [data];
    return data;
  };
  const fetch: typeof globalThis.fetch | undefined =
    (useXhr || bytes) &&
    ((input, init) => {
      const [body, type] = current;
      // The transport's headers are a plain object.
      if (type) init = { ...init, headers: { ...(init?.headers as object), 'content-type': type }, body: body as BodyInit };
      return useXhr ? createXhrFetch(body, report, { fileSize: named.size, maxResponseBytes: config.maxResponseBytes, now: config.now })(input, init) : config.fetch(input, init);
    });
  // Where no real progress exists (fetch), the final report still arrives; XHR may stop short of the
  // last byte. Once, though: after XHR's own 100 % a second one would tell listeners nothing.
  const done = () => void (reported < named.size && report({ loaded: named.size, total: named.size }));
  return { stepId, named, form, fetch, done };
}
