import { OnboardingError } from './errors.js';

/**
 * Typed skills: a skill's steps in order, each with a schema for its data.
 * Any Standard Schema works (zod 4 classic or mini, valibot, arktype…): the SDK
 * only calls `schema['~standard'].validate`, so it ships no validator of its own
 * for step data and ties integrators to none.
 */

/** The Standard Schema v1 interface (https://standardschema.dev), inlined: it is a spec, not a dependency. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties (zod, valibot, arktype… provide them). */
  readonly '~standard': {
    /** The version number of the standard. */
    readonly version: 1;
    /** The vendor name of the schema library, e.g. `'zod'`. */
    readonly vendor: string;
    /** Validates an unknown input value; may return a promise for async schemas. */
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    /** Inferred types associated with the schema (for type inference only; absent at runtime). */
    readonly types?: {
      /** The input type of the schema. */
      readonly input: Input;
      /** The output type of the schema. */
      readonly output: Output;
    } | undefined;
  };
}

/** A Standard Schema validation result. */
export type StandardResult<Output> =
  | {
      /** The typed output value. */
      readonly value: Output;
      /** The non-existent issues (a success has none). */
      readonly issues?: undefined;
    }
  | {
      /** The issues of failed validation. */
      readonly issues: ReadonlyArray<{
        /** The error message of the issue. */
        readonly message: string;
        /** The path of the issue, if any: property keys or `{ key }` segments. */
        readonly path?: ReadonlyArray<PropertyKey | {
          /** The key representing a path segment. */
          readonly key: PropertyKey;
        }> | undefined;
      }>;
    };

/** The input type a schema accepts. */
export type SchemaInput<S> = S extends StandardSchemaV1<infer I, unknown> ? I : never;

/** Step name → schema of that step's data, in step order. */
export type StepSchemas = Record<string, StandardSchemaV1<Record<string, unknown>, Record<string, unknown>>>;

/** What an untyped (plain string) skill accepts: any step, any object. */
export type UntypedSteps = Record<string, StandardSchemaV1<Record<string, unknown>>>;

/**
 * The steps a session's type argument names: a skill (`OnboardingSession<typeof kyc>`),
 * its steps (`OnboardingSession<StepsOf<typeof kyc>>`), or anything else (a catalog name: untyped).
 */
export type StepsIn<S> = [S] extends [StepSchemas] ? S : S extends SkillDefinition<infer Steps> ? Steps : UntypedSteps;

/** Constraints on the files uploaded for one step, checked before any byte is sent. */
export interface UploadRules {
  /** Allowed MIME types, e.g. `['image/jpeg', 'application/pdf']`; `image/*` wildcards work. */
  accept?: readonly string[];
  /** Largest allowed file, in bytes (checked on the prepared file). */
  maxBytes?: number;
  /**
   * Opt-in transformation before the upload, e.g. `(file) => prepareImage(file)`
   * to downscale photos and drop their EXIF. A function rather than a flag so
   * apps that do not use it do not ship it.
   */
  prepare?: (file: File) => Blob | Promise<Blob>;
  /**
   * Uploads the server must have accepted for this step before the next step
   * may be submitted; until then the next `submitStep` rejects with
   * `uploads_missing` and sends nothing. `getSnapshot().uploads` counts them.
   * @default 0
   */
  minFiles?: number;
}

/** Options of {@link defineSkill}. */
export interface SkillOptions<Steps extends StepSchemas> {
  /** Each step's data schema; the key order is the order the API expects the steps in. */
  steps: Steps;
  /** Upload rules per step name. */
  uploads?: { readonly [K in keyof Steps]?: UploadRules };
}

/** A skill from the provider's catalog, with its steps typed. Create it with {@link defineSkill}. */
export interface SkillDefinition<Steps extends StepSchemas = StepSchemas> {
  /** The catalog name, e.g. `xyz_sbx_#3.0`. */
  readonly name: string;
  /** Step names in order. */
  readonly stepNames: ReadonlyArray<keyof Steps & string>;
  /** Step schemas by name. */
  readonly steps: Steps;
  /** Upload rules by step name. */
  readonly uploads: { readonly [K in keyof Steps]?: UploadRules };
}

/**
 * Declares a skill's steps, in order, with a schema for each step's data, so
 * that `session.submitStep` is typed by step and data is validated before a
 * nonce is spent.
 */
export function defineSkill<const Steps extends StepSchemas>(name: string, options: SkillOptions<Steps>): SkillDefinition<Steps> {
  if (typeof name !== 'string' || name.trim() === '') throw new OnboardingError('invalid_config', 'defineSkill: the skill name must be a non-empty string.');
  const steps = options?.steps;
  const names = typeof steps === 'object' && steps !== null ? Object.keys(steps) : [];
  if (names.length === 0) throw new OnboardingError('invalid_config', `defineSkill(${name}): \`steps\` must name at least one step.`);
  for (const step of names) {
    if (typeof steps[step]?.['~standard']?.validate !== 'function') {
      throw new OnboardingError('invalid_config', `defineSkill(${name}): step "${step}" needs a Standard Schema (zod, valibot, arktype…).`);
    }
  }
  return Object.freeze({
    name,
    stepNames: Object.freeze(Object.keys(options.steps)) as ReadonlyArray<keyof Steps & string>,
    steps: options.steps,
    uploads: options.uploads ?? {},
  });
}
