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
