import * as core from 'zod/v4/core';

/*
 * Schemas of every 200 body the SDK reads, built from zod's core rather than
 * zod/mini: the same validation and issue paths for about 1.1 KiB less in the
 * browser bundle, and core's plain object schema never probes `new Function`,
 * which a strict CSP would report. Each is built on first use (no work at
 * import) and one getter per schema lets a bundle keep only the ones its entry
 * uses (the token schema stays out of the browser bundle). The protocol's
 * response types are derived from these, so the two cannot drift apart.
 */

type Shape = Record<string, core.$ZodType>;

// Core's constructors do not infer from their definition: the casts give the types zod/mini would.
const str = () => new core.$ZodString({ type: 'string' });
const opt = <T extends core.$ZodType>(innerType: T) => new core.$ZodOptional({ type: 'optional', innerType }) as core.$ZodOptional<T>;
const obj = <S extends Shape>(shape: S) => new core.$ZodObject({ type: 'object', shape }) as unknown as core.$ZodObject<S>;

function once<T>(build: () => T): () => T {
  let schema: T | undefined;
  return () => (schema ??= build());
}

/** `POST /sessions`. */
export const sessionSchema = once(() => obj({ session_id: str(), nonce: str(), status: str() }));

/** `POST /sessions/{id}/steps`; the last step carries `temp_token` and may omit `nonce`; `data` is step-specific and passed through whole. */
export const stepSchema = once(() =>
  obj({
    step_id: str(),
    nonce: opt(str()),
    temp_token: opt(str()),
    status: str(),
    data: opt(
      new core.$ZodObject({
        type: 'object',
        shape: {},
        catchall: new core.$ZodUnknown({ type: 'unknown' }),
      }) as core.$ZodType<Record<string, unknown>>,
    ),
  }),
);

/** `POST /steps/{id}/upload`; the nonce may or may not rotate (PROTOCOL §4 allows both). */
export const uploadSchema = once(() => obj({ step_id: opt(str()), status: str(), nonce: opt(str()) }));

/** `POST /tokens` (server side). */
export const tokenSchema = once(() =>
  obj({ credentials_id: str(), access_token: str(), consent_exp: str(), max_data_retention: str() }),
);

type Out<F extends () => core.$ZodType> = core.output<ReturnType<F>>;

/** `POST /sessions` 200 body. */
export type CreateSessionResponse = Out<typeof sessionSchema>;
/** `POST /sessions/{id}/steps` 200 body. */
export type SubmitStepResponse = Out<typeof stepSchema>;
/** `POST /steps/{step_id}/upload` 200 body. */
export type UploadResponse = Out<typeof uploadSchema>;
/** `POST /tokens` 200 body. */
export type ExchangeTokenResponse = Out<typeof tokenSchema>;
