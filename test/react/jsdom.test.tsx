// @vitest-environment jsdom
/** `useOnboarding` (./scenarios.tsx) under jsdom, Testing Library's default environment. */
import { reactScenarios } from './scenarios.js';

reactScenarios({ name: 'jsdom' });
