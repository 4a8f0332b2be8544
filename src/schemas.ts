import * as z from 'zod/mini';

/*
 * zod/mini schemas of every 200 body the SDK reads. Each is built on first use
 * and with zod's JIT off while it is built: zod probes `new Function` when an
 * object schema is built, which a strict CSP reports as a violation even though
 * zod catches it, and building at import time would be a side effect. The
 * global flag is restored right away, so the integrator's own zod schemas are
 * left as they were. One getter per schema, so a bundle keeps only the ones its
 * entry uses (the token schema stays out of the browser bundle).
 */
function lazy<T>(build: () => T): () => T {
  let schema: T | undefined;
  return () => {
    if (schema) return schema;
    const config = z.config();
    const previous = config.jitless;
    config.jitless = true;
    try {
      return (schema = build());
    } finally {
      config.jitless = previous;
    }
  };
}

/** `POST /sessions`. */
export const sessionSchema = lazy(() => z.object({ session_id: z.string(), nonce: z.string(), status: z.string() }));

/** `POST /sessions/{id}/steps`; `data` is step-specific and passed through whole. */
export const stepSchema = lazy(() =>
  z.object({
    step_id: z.string(),
    nonce: z.optional(z.string()),
    temp_token: z.optional(z.string()),
    status: z.string(),
    data: z.optional(z.looseObject({})),
  }),
);

/** `POST /steps/{id}/upload`; the nonce may or may not rotate. */
export const uploadSchema = lazy(() =>
  z.object({ step_id: z.optional(z.string()), status: z.string(), nonce: z.optional(z.string()) }),
);

/** `POST /tokens` (server side). */
export const tokenSchema = lazy(() =>
  z.object({
    credentials_id: z.string(),
    access_token: z.string(),
    consent_exp: z.string(),
    max_data_retention: z.string(),
  }),
);
