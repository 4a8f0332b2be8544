// @vitest-environment jsdom
/**
 * The integrator-facing suite (./scenarios.ts) under jsdom, Testing Library's
 * default. Its FormData and File cannot be sent by Node's fetch, so the SDK
 * writes the multipart bytes itself (over XHR and fetch alike) and the kit
 * parses multipart itself.
 */
import { kitScenarios, uploadScenarios } from './scenarios.js';

const env = { name: 'jsdom', streams: false } as const;
uploadScenarios(env);
kitScenarios(env);
