import * as z from 'zod/mini';

/*
 * zod/mini schemas of every 200 body the client reads. Built lazily and with
 * zod's JIT disabled while they are constructed: zod probes `new Function` when
 * an object schema is built, which a strict CSP reports as a violation even
 * though zod catches it, and building at import time would be a side effect.
 * The global flag is restored right away, so the integrator's own zod schemas
 * are left as they were.
 */

function build() {
  const config = z.config();
  const previous = config.jitless;
  config.jitless = true;
  try {
    const data = z.optional(z.record(z.string(), z.unknown()));
    return {
      session: z.object({ session_id: z.string().check(z.minLength(1)), nonce: z.string().check(z.minLength(1)), status: z.string() }),
      step: z.object({
        step_id: z.string().check(z.minLength(1)),
        nonce: z.optional(z.string().check(z.minLength(1))),
        temp_token: z.optional(z.string().check(z.minLength(1))),
        status: z.string(),
        data,
      }),
      upload: z.object({
        step_id: z.optional(z.string()),
        status: z.string(),
        nonce: z.optional(z.string().check(z.minLength(1))),
      }),
      token: z.object({
        credentials_id: z.string().check(z.minLength(1)),
        access_token: z.string().check(z.minLength(1)),
        consent_exp: z.string(),
        max_data_retention: z.string(),
      }),
    };
  } finally {
    config.jitless = previous;
  }
}

let schemas: ReturnType<typeof build> | undefined;

/** The response schemas, built on first use. */
export function responseSchemas(): ReturnType<typeof build> {
  schemas ??= build();
  return schemas;
}
