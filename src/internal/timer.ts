import { MAX_TIMEOUT_MS } from '../defaults.js';

/**
 * setTimeout with its delay clamped to what every runtime honours (a longer
 * one fires at once in browsers), and unref'd so a pending expiry or handoff
 * limit never keeps a Node process (SSR, scripts, tests) alive.
 */
export function later(ms: number, fn: () => void): ReturnType<typeof setTimeout> {
  const timer = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMEOUT_MS));
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
