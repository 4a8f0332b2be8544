// @vitest-environment happy-dom
/**
 * Uploads over XMLHttpRequest, the only browser API that reports upload
 * progress over HTTP/1.1. Against the kit through happy-dom's own XHR (which
 * msw/node intercepts), and against a scripted fake XHR for what happy-dom
 * does not do: progress events and a controllable abort. Progress reports are
 * throttled on an injected clock (`now`), which these tests move by hand.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UPLOAD_PROGRESS_INTERVAL_MS } from '../src/defaults.js';
import { createXhrFetch } from '../src/xhr.js';
import { BASE_URL, PRODUCT_FORM, SKILL, bytesOf, createClient, fileOf, recordedFile, rejectionOf, setupMockApi, until } from './helpers.js';

const { api } = setupMockApi();

interface FakeProgressEvent {
  lengthComputable: boolean;
  loaded: number;
  total: number;
}

/** A scripted XMLHttpRequest: records what it was asked to do; the test plays the network. */
class FakeXhr {
  static instances: FakeXhr[] = [];
  method: string | undefined;
  url: string | undefined;
  readonly headers: [string, string][] = [];
  body: unknown;
  sent = false;
  abortCalls = 0;
  status = 0;
  statusText = '';
  responseText = '';
  #responseHeaders = '';
  readonly upload: { onprogress: ((event: FakeProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.instances.push(this);
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers.push([name, value]);
  }
  send(body: unknown) {
    this.sent = true;
    this.body = body;
  }
  abort() {
    this.abortCalls += 1;
    this.onabort?.();
  }
  getAllResponseHeaders() {
    return this.#responseHeaders;
  }

  // The network, as the test scripts it.
  progress(loaded: number, total: number, lengthComputable = true) {
    this.upload.onprogress?.({ lengthComputable, loaded, total });
  }
  respond(status: number, body: unknown, headers = 'content-type: application/json\r\nx-request-id: r-7\r\n') {
    this.status = status;
    this.statusText = status === 200 ? 'OK' : 'Error';
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.#responseHeaders = headers;
    this.onload?.();
  }
  fail() {
    this.onerror?.();
  }
}

function useFakeXhr(): typeof FakeXhr.instances {
  FakeXhr.instances = [];
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return FakeXhr.instances;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A clock only the test moves: progress throttling reads it, so no real time passes between scripted events. */
function manualClock(start = 1_700_000_000_000) {
  let at = start;
  return {
    now: () => at,
    advance(ms: number) {
      at += ms;
    },
  };
}

/** A session whose latest step is `kyc_documents`, the step the kit takes uploads for. */
async function sessionWithStep(overrides: Parameters<typeof createClient>[0] = {}) {
  const session = await createClient(overrides).startSession({ skill: SKILL, tenantUserId: 'u-42' });
  await session.submitStep('product_form', PRODUCT_FORM);
  const step = await session.submitStep('kyc_documents', {});
  return { session, step };
}

describe("upload with uploadTransport 'xhr' through happy-dom's XMLHttpRequest", () => {
  it('delivers the bytes, file name and MIME type to the kit', async () => {
    const { session, step } = await sessionWithStep({ uploadTransport: 'xhr' });
    const file = fileOf(70_000, 'id card.png', 'image/png');

    const result = await session.upload(file);

    expect(result).toMatchObject({ stepId: step.stepId, status: 'UPLOAD_RECEIVED', fileName: 'id card.png', type: 'image/png', size: 70_000 });
    const received = recordedFile(api.requests.at(-1));
    expect(received).toMatchObject({ name: 'id card.png', type: 'image/png', size: 70_000 });
    expect(await bytesOf(received.blob)).toEqual(await bytesOf(file));
  });

  it('continues the nonce chain after an XHR upload', async () => {
    const { session } = await sessionWithStep({ uploadTransport: 'xhr' });

    await session.upload(fileOf(10));
    await session.submitStep('bank_redirect', {});

    expect(api.requests.map((r) => r.responseStatus)).toEqual([200, 200, 200, 200, 200]);
  });
});

describe('createXhrFetch', () => {
  const url = `${BASE_URL}/steps/s-1/upload`;
  const form = () => {
    const body = new FormData();
    body.append('client_id', 'c');
    body.append('file', new File(['abc'], 'a.txt', { type: 'text/plain' }), 'a.txt');
    return body;
  };

  it('opens the request with its method and URL and sends the FormData itself', async () => {
    const xhrs = useFakeXhr();
    const body = form();

    const response = createXhrFetch(body, () => {})(new Request(url, { method: 'POST', headers: { accept: 'application/json' } }));
    const xhr = xhrs[0]!;
    xhr.respond(200, { step_id: 's-1', status: 'UPLOAD_RECEIVED' });
    await response;

    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe(url);
    expect(xhr.body).toBe(body);
    expect(xhr.headers.map(([name]) => name.toLowerCase())).toContain('accept');
  });

  it("does not forward the request's own content-type, whose multipart boundary is not the one XHR will write", async () => {
    const xhrs = useFakeXhr();
    const body = form();
    const request = new Request(url, { method: 'POST', body: form() });
    expect(request.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);

    const response = createXhrFetch(body, () => {})(request);
    xhrs[0]!.respond(200, {});
    await response;

    expect(xhrs[0]!.headers.map(([name]) => name.toLowerCase())).not.toContain('content-type');
  });

  it('reports every computable upload progress event spaced by the interval to onProgress, in order', async () => {
    const xhrs = useFakeXhr();
    const clock = manualClock();
    const progress: { loaded: number; total: number }[] = [];

    const response = createXhrFetch(form(), (p) => progress.push(p), { now: clock.now })(new Request(url, { method: 'POST' }));
    const xhr = xhrs[0]!;
    xhr.progress(0, 1_000);
    clock.advance(UPLOAD_PROGRESS_INTERVAL_MS);
    xhr.progress(10, 0, false);
    xhr.progress(250, 1_000);
    clock.advance(UPLOAD_PROGRESS_INTERVAL_MS);
    xhr.progress(700, 1_000);
    clock.advance(UPLOAD_PROGRESS_INTERVAL_MS);
    xhr.progress(1_000, 1_000);
    xhr.respond(200, {});
    await response;

    expect(progress).toEqual([
      { loaded: 0, total: 1_000 },
      { loaded: 250, total: 1_000 },
      { loaded: 700, total: 1_000 },
      { loaded: 1_000, total: 1_000 },
    ]);
  });

  describe('progress throttle (WebKit fires one event per 8 KiB: ~1,000 for 8 MiB)', () => {
    const MiB8 = 8 * 1024 * 1024;
    /** Starts a request over a fake XHR on `clock`; `progress` collects what onProgress received. */
    const start = (clock: { now: () => number }, fileSize?: number) => {
      const xhrs = useFakeXhr();
      const progress: { loaded: number; total: number }[] = [];
      const response = createXhrFetch(form(), (p) => progress.push(p), { now: clock.now, fileSize })(new Request(url, { method: 'POST' }));
      const xhr = xhrs[0]!;
      const finish = async () => {
        xhr.respond(200, {});
        await response;
      };
      return { xhr, progress, finish };
    };

    it('turns 1,000 events in one instant into the first and the last only', async () => {
      const clock = manualClock();
      const { xhr, progress, finish } = start(clock);

      for (let i = 1; i <= 1_000; i++) xhr.progress(Math.round((i / 1_000) * MiB8), MiB8);
      await finish();

      expect(progress).toEqual([
        { loaded: Math.round(MiB8 / 1_000), total: MiB8 },
        { loaded: MiB8, total: MiB8 },
      ]);
    });

    it('thins a WebKit-like flood to about one report per interval, first and 100 % included', async () => {
      const clock = manualClock();
      const { xhr, progress, finish } = start(clock);

      // One event per 8 KiB (1,024 of them) over 4 s, as at 2 MiB/s: one every 4 ms.
      for (let loaded = 8_192; loaded <= MiB8; loaded += 8_192) {
        xhr.progress(loaded, MiB8);
        clock.advance(4);
      }
      await finish();

      expect(progress[0]).toEqual({ loaded: 8_192, total: MiB8 });
      expect(progress.at(-1)).toEqual({ loaded: MiB8, total: MiB8 });
      // The events span 4,092 ms; a report goes out on the first 4 ms tick at or past the interval, plus the final one.
      const spanMs = 1_023 * 4;
      expect(progress.length).toBeGreaterThanOrEqual(Math.floor(spanMs / (UPLOAD_PROGRESS_INTERVAL_MS + 4)));
      expect(progress.length).toBeLessThanOrEqual(Math.floor(spanMs / UPLOAD_PROGRESS_INTERVAL_MS) + 2);
    });

    it('passes every event when they are 60 ms apart', async () => {
      const clock = manualClock();
      const { xhr, progress, finish } = start(clock);
      const sent = [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000];

      for (const loaded of sent) {
        xhr.progress(loaded, 1_000);
        clock.advance(60);
      }
      await finish();

      expect(progress).toEqual(sent.map((loaded) => ({ loaded, total: 1_000 })));
    });

    it(`holds a report back until ${UPLOAD_PROGRESS_INTERVAL_MS} ms have passed since the last one, not one ms less`, async () => {
      const clock = manualClock();
      const { xhr, progress, finish } = start(clock);

      xhr.progress(100, 1_000);
      clock.advance(UPLOAD_PROGRESS_INTERVAL_MS - 1);
      xhr.progress(200, 1_000);
      clock.advance(1);
      xhr.progress(300, 1_000);
      await finish();

      expect(progress.map((p) => p.loaded)).toEqual([100, 300]);
    });

    it('never reports a loaded lower than (or equal to) one already reported', async () => {
      const clock = manualClock();
      const { xhr, progress, finish } = start(clock);

      for (const loaded of [300, 200, 300, 500, 400, 500, 1_000, 900, 1_000]) {
        xhr.progress(loaded, 1_000);
        clock.advance(60);
      }
      await finish();

      expect(progress.map((p) => p.loaded)).toEqual([300, 500, 1_000]);
    });

    it('always reports the final 100 %, even in the instant after another report', async () => {
      const clock = manualClock();
      const { xhr, progress, finish } = start(clock);

      xhr.progress(0, 1_000);
      xhr.progress(999, 1_000);
      xhr.progress(1_000, 1_000);
      await finish();

      expect(progress).toEqual([
        { loaded: 0, total: 1_000 },
        { loaded: 1_000, total: 1_000 },
      ]);
    });

    it('reports 100 % of the file when the body (framing included) is fully sent, in file bytes', async () => {
      const clock = manualClock();
      const { xhr, progress, finish } = start(clock, 900);

      for (let loaded = 0; loaded <= 1_100; loaded += 11) xhr.progress(loaded, 1_100);
      await finish();

      expect(progress).toEqual([
        { loaded: 0, total: 900 },
        { loaded: 900, total: 900 },
      ]);
    });

    it('keeps reporting when the clock is set back, rather than waiting for it to catch up', async () => {
      const clock = manualClock();
      const { xhr, progress, finish } = start(clock);

      xhr.progress(100, 1_000);
      clock.advance(-60 * 60_000);
      xhr.progress(200, 1_000);
      clock.advance(UPLOAD_PROGRESS_INTERVAL_MS);
      xhr.progress(300, 1_000);
      await finish();

      expect(progress.map((p) => p.loaded)).toEqual([100, 200, 300]);
    });

    it('starts afresh on each request: the first event of a second attempt is reported', async () => {
      const xhrs = useFakeXhr();
      const clock = manualClock();
      const progress: number[] = [];
      const fetch = createXhrFetch(form(), (p) => progress.push(p.loaded), { now: clock.now });

      const first = fetch(new Request(url, { method: 'POST' }));
      xhrs[0]!.progress(600, 1_000);
      xhrs[0]!.fail();
      await expect(first).rejects.toBeInstanceOf(TypeError);
      const second = fetch(new Request(url, { method: 'POST' }));
      xhrs[1]!.progress(100, 1_000);
      xhrs[1]!.respond(200, {});
      await second;

      expect(progress).toEqual([600, 100]);
    });

    it('reads Date.now when no clock is given', async () => {
      vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
      try {
        const xhrs = useFakeXhr();
        const progress: number[] = [];
        const response = createXhrFetch(form(), (p) => progress.push(p.loaded))(new Request(url, { method: 'POST' }));
        const xhr = xhrs[0]!;

        xhr.progress(100, 1_000);
        xhr.progress(200, 1_000);
        vi.setSystemTime(Date.now() + UPLOAD_PROGRESS_INTERVAL_MS);
        xhr.progress(300, 1_000);
        xhr.respond(200, {});
        await response;

        expect(progress).toEqual([100, 300]);
      } finally {
        vi.useRealTimers();
      }
    });
  });

  it('resolves a Response with the status, headers and body the XHR received', async () => {
    const xhrs = useFakeXhr();

    const pending = createXhrFetch(form(), () => {})(new Request(url, { method: 'POST' }));
    xhrs[0]!.respond(503, { code: 'busy' }, 'content-type: application/json\r\nretry-after: 3\r\n');
    const response = await pending;

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({ code: 'busy' });
  });

  it('calls xhr.abort() when the signal aborts, and rejects', async () => {
    const xhrs = useFakeXhr();
    const controller = new AbortController();

    const pending = createXhrFetch(form(), () => {})(new Request(url, { method: 'POST', signal: controller.signal }));
    const outcome = pending.then(
      () => 'resolved',
      () => 'rejected',
    );
    expect(xhrs[0]!.sent).toBe(true);
    controller.abort();

    expect(await outcome).toBe('rejected');
    expect(xhrs[0]!.abortCalls).toBe(1);
  });

  it('rejects without sending when the signal is already aborted', async () => {
    const xhrs = useFakeXhr();

    const outcome = await createXhrFetch(form(), () => {})(new Request(url, { method: 'POST', signal: AbortSignal.abort() })).then(
      () => 'resolved',
      () => 'rejected',
    );

    expect(outcome).toBe('rejected');
    expect(xhrs.every((xhr) => !xhr.sent)).toBe(true);
  });

  it('rejects with a TypeError, like fetch, when the XHR fails', async () => {
    const xhrs = useFakeXhr();

    const pending = createXhrFetch(form(), () => {})(new Request(url, { method: 'POST' }));
    xhrs[0]!.fail();

    await expect(pending).rejects.toBeInstanceOf(TypeError);
  });
});

describe('session.upload over a scripted XMLHttpRequest', () => {
  const received = { step_id: 'ignored', status: 'UPLOAD_RECEIVED' };

  it('passes real progress to onProgress in file bytes, in order, ending at 100%', async () => {
    // The config's clock spaces the reports: moved by hand, so each event is past the throttle's interval.
    const clock = manualClock(Date.now());
    const { session } = await sessionWithStep({ uploadTransport: 'xhr', now: clock.now });
    const xhrs = useFakeXhr();
    const progress: { loaded: number; total: number }[] = [];

    const pending = session.upload(fileOf(900), { onProgress: (p) => progress.push(p) });
    await until(() => xhrs[0]?.sent === true);
    const xhr = xhrs[0]!;
    for (const loaded of [0, 300, 600, 1_100]) {
      xhr.progress(loaded, 1_100);
      clock.advance(UPLOAD_PROGRESS_INTERVAL_MS);
    }
    xhr.respond(200, received);
    await pending;

    // XHR counts the multipart framing (1 100 bytes); the SDK reports in file bytes so `total` stays put.
    expect(progress.slice(0, 4)).toEqual([0, 245, 491, 900].map((loaded) => ({ loaded, total: 900 })));
    expect(progress.every((p) => p.total === 900)).toBe(true);
    const ratios = progress.map((p) => p.loaded / p.total);
    expect(ratios).toEqual([...ratios].sort((a, b) => a - b));
    expect(ratios.at(-1)).toBe(1);
  });

  it("throttles on the config's clock: a flood in one instant of it reaches onProgress and upload:progress as first and 100 %", async () => {
    const clock = manualClock(Date.now());
    const client = createClient({ uploadTransport: 'xhr', now: clock.now });
    const events: number[] = [];
    client.on('upload:progress', (e) => events.push(e.loaded));
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    await session.submitStep('kyc_documents', {});
    const xhrs = useFakeXhr();
    const progress: { loaded: number; total: number }[] = [];

    const pending = session.upload(fileOf(900), { onProgress: (p) => progress.push(p) });
    await until(() => xhrs[0]?.sent === true);
    const xhr = xhrs[0]!;
    for (let loaded = 11; loaded <= 1_100; loaded += 11) xhr.progress(loaded, 1_100);
    xhr.respond(200, received);
    await pending;

    // The XHR's own 100 % is the last report: the session adds its closing one only where none came.
    expect(progress).toEqual([9, 900].map((loaded) => ({ loaded, total: 900 })));
    expect(events).toEqual(progress.map((p) => p.loaded));
  });

  it("picks XMLHttpRequest by default ('auto') where it exists", async () => {
    const { session } = await sessionWithStep();
    const xhrs = useFakeXhr();

    const pending = session.upload(fileOf(10));
    await until(() => xhrs[0]?.sent === true);
    xhrs[0]!.respond(200, received);

    await expect(pending).resolves.toMatchObject({ status: 'UPLOAD_RECEIVED' });
  });

  it('stops sending when aborted: xhr.abort() is called and the upload rejects with aborted', async () => {
    const { session } = await sessionWithStep({ uploadTransport: 'xhr' });
    const xhrs = useFakeXhr();
    const controller = new AbortController();

    const outcome = rejectionOf(session.upload(fileOf(5_000), { signal: controller.signal }));
    await until(() => xhrs[0]?.sent === true);
    xhrs[0]!.progress(1_000, 5_200);
    controller.abort();
    const error = await outcome;

    expect(error.code).toBe('aborted');
    expect(xhrs[0]!.abortCalls).toBe(1);
    expect(session.status).toBe('active');
  });

  it('maps an XHR network failure to a retryable network_error', async () => {
    const { session } = await sessionWithStep({ uploadTransport: 'xhr' });
    const xhrs = useFakeXhr();

    const outcome = rejectionOf(session.upload(fileOf(10)));
    await until(() => xhrs[0]?.sent === true);
    xhrs[0]!.fail();

    expect(await outcome).toMatchObject({ code: 'network_error', retryable: true });
  });

  it("refuses uploadTransport 'xhr' where there is no XMLHttpRequest, before sending anything", async () => {
    const { session } = await sessionWithStep({ uploadTransport: 'xhr' });
    vi.stubGlobal('XMLHttpRequest', undefined);

    const error = await rejectionOf(session.upload(fileOf(10)));

    expect(error.code).toBe('invalid_state');
    expect(api.requests.filter((r) => r.endpoint === 'upload')).toHaveLength(0);
  });

  it('times a stalled XHR upload out after uploadTimeoutMs and aborts it', async () => {
    const { session } = await sessionWithStep({ uploadTransport: 'xhr', uploadTimeoutMs: 100 });
    const xhrs = useFakeXhr();

    const error = await rejectionOf(session.upload(fileOf(10)));

    expect(error.code).toBe('timeout');
    expect(xhrs[0]!.abortCalls).toBe(1);
  });
});
