import { describe, expect, it, vi } from 'vitest';
import { PRODUCT_FORM, SKILL, createClient, setupMockApi } from './helpers.js';

setupMockApi();

describe('a logger', () => {
  it('that throws from debug() does not break the flow', async () => {
    const debug = vi.fn(() => {
      throw new Error('log sink down');
    });
    const session = await createClient({ logger: { debug } }).startSession({ skill: SKILL, tenantUserId: 'u-42' });

    await expect(session.submitStep('product_form', PRODUCT_FORM)).resolves.toMatchObject({ completed: false });
    expect(debug).toHaveBeenCalled();
  });
});

describe('log lines worth reading', () => {
  const lines = () => {
    const all: { level: string; message: string; details: Record<string, unknown> }[] = [];
    const at = (level: string) => (message: string, details: Record<string, unknown> = {}) => void all.push({ level, message, details });
    return { all, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
  };

  it('one info line per call: method, path with its ids and no origin or query, status, duration, attempt; never a secret', async () => {
    const { all, logger } = lines();
    const session = await createClient({ logger }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    const calls = all.filter((l) => l.level === 'info');
    expect(calls.map((l) => l.message)).toEqual([
      expect.stringMatching(/^\[onboarding-sdk\] POST \/v1\/sessions 200 in \d+ ms$/),
      expect.stringMatching(new RegExp(`^\\[onboarding-sdk\\] POST /v1/sessions/${session.id}/steps 200 in \\d+ ms$`)),
    ]);
    expect(calls[1]!.details).toMatchObject({ method: 'POST', path: `/v1/sessions/${session.id}/steps`, status: 200, attempt: 1 });
    expect(typeof calls[1]!.details.durationMs).toBe('number');
    expect(JSON.stringify(all)).not.toMatch(/nonce":|test-app-key|https:\/\//);
  });

  it('a failed call is a warn line with the code, the API code and the request id', async () => {
    const { all, logger } = lines();
    const session = await createClient({ logger }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await expect(session.submitStep('kyc_documents', {})).rejects.toBeTruthy();
    const warn = all.find((l) => l.level === 'warn')!;
    expect(warn.message).toMatch(/POST \/v1\/sessions\/.+\/steps failed: .+ \(HTTP 4\d\d\) in \d+ ms/);
    expect(warn.details).toMatchObject({ status: expect.any(Number), code: expect.any(String), attempt: 1 });
    expect(warn.details).toHaveProperty('requestId');
  });

  it('logLevel filters: warn drops the per-call info lines, debug adds the reasoning, silent drops all', async () => {
    for (const [logLevel, expected] of [['warn', 0], ['silent', 0], ['info', 2]] as const) {
      const { all, logger } = lines();
      const session = await createClient({ logger, logLevel }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
      await session.submitStep('product_form', PRODUCT_FORM);
      expect(all.length, logLevel).toBe(expected);
    }
    expect(() => createClient({ logLevel: 'loud' as never })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('a logger with debug only gets every line there', async () => {
    const debug = vi.fn();
    const session = await createClient({ logger: { debug } }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    expect(debug).toHaveBeenCalledTimes(2);
  });
});
