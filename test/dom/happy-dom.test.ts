// @vitest-environment happy-dom
/**
 * The integrator-facing suite (./scenarios.ts) under happy-dom, whose fetch
 * classes serialise its own FormData: the SDK streams the file.
 */
import { kitScenarios, uploadScenarios } from './scenarios.js';

const env = { name: 'happy-dom', streams: true } as const;
uploadScenarios(env);
kitScenarios(env);
