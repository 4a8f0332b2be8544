// @vitest-environment node
/**
 * The integrator-facing suite (./scenarios.ts) with no DOM: no
 * XMLHttpRequest, so uploads go over fetch, streaming Node's FormData.
 */
import { kitScenarios, uploadScenarios } from './scenarios.js';

const env = { name: 'node', streams: true } as const;
uploadScenarios(env);
kitScenarios(env);
