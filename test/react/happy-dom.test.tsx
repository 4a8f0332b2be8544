// @vitest-environment happy-dom
/** `useOnboarding` (./scenarios.tsx) under happy-dom. */
import { reactScenarios } from './scenarios.js';

reactScenarios({ name: 'happy-dom' });
