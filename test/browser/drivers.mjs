// One small driver interface over three real engines, all from Debian packages
// (recipes in ../shared/TOOLCHAIN.md, "Browsers"):
//
//   chromium  Debian's `chromium`, driven by playwright-core (CDP)
//   firefox   Debian's `firefox-esr`, driven by puppeteer-core over WebDriver BiDi
//   webkit    WebKitGTK's MiniBrowser (Safari's engine), driven by webdriverio
//             (WebDriver classic) against a `WebKitWebDriver` this module starts
//             under its own `xvfb-run` (MiniBrowser has no headless mode)
//
// The tests only see this interface:
//
//   const browser = await launchBrowser('firefox');
//   browser.engine / browser.name / browser.version / browser.features
//   const page = await browser.newPage({ viewport: { width, height }, phone });
//   await page.goto(url)                          -> { status, headers } | null (WebDriver classic: null)
//   await page.evaluate(fn, arg)                  (fn runs in the page; may be async; arg and result are JSON)
//   await page.waitForFunction(fn, arg, { timeout })
//   await page.waitForSelector(selector, { timeout })
//   await page.click(selector) / fill(selector, text) / selectOption(selector, value) / check(selector)
//   await page.text(selector)
//   await page.setInputFiles(selector, { name, mimeType, buffer })
//   await page.screenshot(file, { fullPage })     (PNG)
//   await page.limitUpload(bytesPerSecond)        -> whether the engine throttles uploads itself
//                                                    (Chromium: its network emulation; Firefox's BiDi
//                                                    and WebDriver classic have no such thing: false)
//   await page.problems()                         -> { monitor, native }: what the page monitor
//                                                    (page-monitor.js, the same in every engine) recorded,
//                                                    and what the engine itself reported where its driver
//                                                    can tell (console errors, page errors, failed
//                                                    requests: Chromium and Firefox; not WebKit)
//   await page.close()
//   const tab = await page.openTab()              another tab of the SAME browser context as `page`
//                                                    (shares its localStorage, IndexedDB, Web Locks,
//                                                    BroadcastChannel; a fresh sessionStorage); the same
//                                                    interface; tab.close() closes that tab only,
//                                                    closing the first page closes all of its tabs
//
// Every page is isolated (its own browser context / WebDriver session): no
// storage, cookie or service worker is shared between two pages.
//
// `phone: true` asks for a phone: the viewport given (390×844 in the tests),
// touch and mobile emulation where the engine's driver can do it. What each
// engine could do is in `browser.features` (and printed by run.mjs):
//   Chromium: viewport, touch (`ontouchstart`, pointer: coarse), mobile meta-viewport handling
//   Firefox:  viewport only (ESR 153 ignores BiDi's touch override: maxTouchPoints stays 0)
//   WebKit:   viewport only: each page is a popup window of exactly that size (no toolbar);
//             WebKitGTK exposes no touch emulation

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

/** The engines to run: `BROWSERS=firefox,webkit npm run test:browser` picks some; all three by default. */
export function selectedEngines(value = process.env.BROWSERS) {
  if (!value || value === 'all') return [...ENGINES];
  const picked = value.split(/[\s,]+/).filter(Boolean).map((e) => e.toLowerCase());
  const unknown = picked.filter((e) => !ENGINES.includes(e));
  if (unknown.length) throw new Error(`BROWSERS: unknown engine(s) ${unknown.join(', ')}; known: ${ENGINES.join(', ')}`);
  return ENGINES.filter((e) => picked.includes(e));
}

/** The phone the tests emulate: an iPhone 12–15 class viewport. */
export const PHONE = { width: 390, height: 844 };

function findExecutable(what, envVar, candidates, install) {
  const list = [process.env[envVar], ...candidates].filter(Boolean);
  const found = list.find((p) => existsSync(p));
  if (!found) throw new Error(`No ${what} found (looked at ${list.join(', ')}). Install it with \`${install}\` or set ${envVar}.`);
  return found;
}

// ------------------------------------------------------------------ Chromium

/** Launch args that work as root on a closed network (see ../shared/TOOLCHAIN.md). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Nothing a test loads may leave the machine: every host but loopback fails to resolve.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

async function launchChromium() {
  const executablePath = findExecutable('Chromium', 'CHROMIUM_PATH', ['/usr/bin/chromium', '/usr/bin/chromium-browser'], 'apt-get install -y chromium');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  return {
    engine: 'chromium',
    name: 'Chromium',
    version: browser.version(),
    features: { touch: true, mobile: true, nativeConsole: true },
    async newPage({ viewport = { width: 1024, height: 800 }, phone = false } = {}) {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: phone, hasTouch: phone });
      return chromiumTab(context, await context.newPage(), viewport, true);
    },
    close: () => browser.close(),
  };
  function chromiumTab(context, page, viewport, first) {
      const native = nativeRecorder();
      page.on('console', (msg) => msg.type() === 'error' && native.consoleErrors.push(msg.text()));
      page.on('pageerror', (error) => native.pageErrors.push(String(error?.stack ?? error)));
      page.on('requestfailed', (request) => native.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
      return wrapPage('chromium', viewport, native, {
        async goto(url) {
          const response = await page.goto(url, { waitUntil: 'load' });
          return response && { status: response.status(), headers: response.headers() };
        },
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        click: (selector) => page.click(selector),
        fill: (selector, text) => page.fill(selector, text),
        selectOption: async (selector, value) => void (await page.selectOption(selector, value)),
        check: (selector) => page.check(selector),
        setInputFiles: (selector, file) => page.setInputFiles(selector, file),
        screenshot: (file, { fullPage }) => page.screenshot({ path: file, fullPage }),
        async limitUpload(bytesPerSecond) {
          const cdp = await context.newCDPSession(page);
          await cdp.send('Network.enable');
          await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
          return true;
        },
        close: () => (first ? context.close() : page.close()),
        openTab: async () => chromiumTab(context, await context.newPage(), viewport, false),
      });
  }
}

// ------------------------------------------------------------------ Firefox

async function launchFirefox() {
  const executablePath = findExecutable('Firefox', 'FIREFOX_PATH', ['/usr/bin/firefox-esr', '/usr/bin/firefox'], 'apt-get install -y --no-install-recommends firefox-esr');
  const { default: puppeteer } = await import('puppeteer-core');
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'onboarding-firefox-'));
  const uploads = await mkdtemp(path.join(os.tmpdir(), 'onboarding-firefox-files-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    userDataDir,
    extraPrefsFirefox: {
      // The closed network of the Chromium runs: every host but loopback goes to a dead proxy.
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': 9,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': 9,
      'network.proxy.no_proxies_on': '127.0.0.1, localhost',
      'network.proxy.allow_hijacking_localhost': false,
      // A 128 KiB socket send buffer (the OS's grows to 4 MiB on loopback and swallows half an
      // upload at once): upload progress then moves with what the server reads, as on a real uplink.
      'network.tcp.sendbuffer': 128 * 1024,
    },
  });
  const version = (await browser.version()).replace(/^firefox\//i, '');
  let files = 0;
  return {
    engine: 'firefox',
    name: 'Firefox',
    version,
    features: { touch: false, mobile: false, nativeConsole: true },
    async newPage({ viewport = { width: 1024, height: 800 }, phone = false } = {}) {
      const context = await browser.createBrowserContext();
      return firefoxTab(context, viewport, phone, true);
    },
    async close() {
      await browser.close();
      await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
      await rm(uploads, { recursive: true, force: true }).catch(() => {});
    },
  };
  async function firefoxTab(context, viewport, phone, first) {
      const page = await context.newPage();
      await page.setViewport({ ...viewport, deviceScaleFactor: 1, hasTouch: phone, isMobile: phone });
      const native = nativeRecorder();
      page.on('console', (msg) => msg.type() === 'error' && native.consoleErrors.push(msg.text()));
      page.on('pageerror', (error) => native.pageErrors.push(String(error?.stack ?? error)));
      page.on('requestfailed', (request) => native.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
      return wrapPage('firefox', viewport, native, {
        async goto(url) {
          const response = await page.goto(url, { waitUntil: 'load' });
          return response && { status: response.status(), headers: response.headers() };
        },
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        click: (selector) => page.click(selector),
        fill: (selector, text) => page.locator(selector).fill(text),
        selectOption: async (selector, value) => void (await page.select(selector, value)),
        async check(selector) {
          if (!(await page.$eval(selector, (el) => el.checked))) await page.click(selector);
        },
        async setInputFiles(selector, file) {
          // Over BiDi a file input takes paths: the file is written under its own name (the browser types it by extension).
          const dir = path.join(uploads, String(++files));
          await mkdir(dir);
          const where = path.join(dir, file.name);
          await writeFile(where, file.buffer);
          await (await page.$(selector)).uploadFile(where);
        },
        screenshot: (file, { fullPage }) => page.screenshot({ path: file, fullPage }),
        close: () => (first ? context.close() : page.close()),
        openTab: () => firefoxTab(context, viewport, phone, false),
      });
  }
}

// ------------------------------------------------------------------ WebKit

const MINIBROWSER_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/x86_64-linux-gnu/webkitgtk-6.0/MiniBrowser',
  '/usr/lib/aarch64-linux-gnu/webkitgtk-6.0/MiniBrowser',
];
/** The virtual screen: tall, so a full-page screenshot (the window sized to the page) fits. */
const XVFB_SCREEN = '1600x6000x24';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, ms, child, output) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited (${child.exitCode}): ${output.join('').slice(-2000)}`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not listen on ${port} within ${ms} ms: ${output.join('').slice(-2000)}`);
}

async function launchWebKit() {
  const driverPath = findExecutable('WebKitWebDriver', 'WEBKIT_WEBDRIVER', ['/usr/bin/WebKitWebDriver'], 'apt-get install -y --no-install-recommends webkit2gtk-driver xvfb xauth');
  const binary = findExecutable('MiniBrowser', 'WEBKIT_MINIBROWSER', MINIBROWSER_CANDIDATES, 'apt-get install -y --no-install-recommends webkit2gtk-driver');
  const xvfbRun = findExecutable('xvfb-run', 'XVFB_RUN', ['/usr/bin/xvfb-run'], 'apt-get install -y --no-install-recommends xvfb xauth');
  const { remote } = await import('webdriverio');
  const capabilities = {
    browserName: 'MiniBrowser',
    'wdio:enforceWebDriverClassic': true, // the driver refuses a BiDi session
    'webkitgtk:browserOptions': {
      binary,
      args: [
        '--automation',
        '--javascript-can-open-windows-automatically=true', // each page is a popup of the asked size
        // The closed network of the Chromium runs: every host but loopback goes to a dead proxy.
        '--proxy=http://127.0.0.1:9',
        '--ignore-host=127.0.0.1',
        '--ignore-host=localhost',
      ],
    },
  };
  const output = [];
  const onOutput = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  /** Starts WebKitWebDriver under an Xvfb of its own; the process group is ours, so stop() ends xvfb-run, Xvfb, the driver and the browser together. */
  async function startDriver() {
    const port = await freePort();
    const child = spawn(xvfbRun, ['-a', '-s', `-screen 0 ${XVFB_SCREEN}`, driverPath, `--port=${port}`, '--host=local'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    const stop = () => {
      process.off('exit', stop);
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    // Even when the test process dies early (an uncaught error, a signal run.mjs turns into exit).
    process.on('exit', stop);
    try {
      await waitForPort(port, 15_000, child, output);
    } catch (error) {
      stop();
      throw error;
    }
    return { port, stop };
  }

  let driver = await startDriver();
  let restarts = 0;
  /**
   * A WebDriver session (a fresh MiniBrowser). Seen once in a few hundred: MiniBrowser never
   * answers the new session. Then the driver (and its Xvfb) is replaced and the session asked again.
   */
  async function session() {
    for (let attempt = 1; ; attempt++) {
      const pending = remote({ hostname: '127.0.0.1', port: driver.port, logLevel: 'silent', connectionRetryCount: 0, connectionRetryTimeout: 30_000, capabilities });
      let timer;
      try {
        return await Promise.race([
          pending,
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('WebKitWebDriver did not start a session within 20 s')), 20_000);
          }),
        ]);
      } catch (error) {
        pending.catch(() => {}); // abandoned
        if (attempt >= 2) throw error;
        restarts++;
        driver.stop();
        driver = await startDriver();
      } finally {
        clearTimeout(timer);
      }
    }
  }
  let version = '?';
  try {
    const probe = await session();
    version = probe.capabilities.browserVersion ?? version;
    await probe.deleteSession();
  } catch (error) {
    driver.stop();
    throw error;
  }
  let files = 0;
  const uploads = await mkdtemp(path.join(os.tmpdir(), 'onboarding-webkit-files-'));
  return {
    engine: 'webkit',
    name: 'WebKit (WebKitGTK MiniBrowser)',
    version,
    // WebKitWebDriver throws MiniBrowser's output away, and WebDriver classic has no log
    // endpoint here: the page monitor is all there is (console.error, errors, CSP, failed loads).
    features: { touch: false, mobile: false, nativeConsole: false },
    /** How often the driver had to be replaced (see session()). */
    get restarts() {
      return restarts;
    },
    /** The driver's and MiniBrowser's last output, for debugging. */
    driverOutput: () => output.join(''),
    async newPage({ viewport = { width: 1024, height: 800 } } = {}) {
      const b = await session();
      // WebDriver classic drives one window at a time: every command of a tab first switches to
      // its window, one command at a time per session (tabs of one page share the session).
      const shared = { b, opener: undefined, current: undefined, queue: Promise.resolve(), started: false, closed: false };
      try {
        shared.opener = await b.getWindowHandle();
        return await webkitTab(shared, viewport);
      } catch (error) {
        await b.deleteSession().catch(() => {});
        throw error;
      }
    },
    async close() {
      driver.stop();
      await rm(uploads, { recursive: true, force: true }).catch(() => {});
    },
  };

  /** A window of `shared.b` as a page: the first one (newPage) or another tab of it (openTab). */
  async function webkitTab(shared, viewport) {
    const { b } = shared;
    const native = nativeRecorder();
    const locked = (task) => {
      const run = shared.queue.then(task, task);
      shared.queue = run.catch(() => {});
      return run;
    };
    let handle;
    const inWindow = (fn) =>
      locked(async () => {
        if (shared.current !== handle) {
          await b.switchToWindow(handle);
          shared.current = handle;
        }
        return fn();
      });
    await locked(async () => {
      // A window opened by script with a size and no toolbar has exactly that viewport; the
      // first window keeps MiniBrowser's toolbar, which is wider than a phone (447 px minimum).
      if (shared.current !== shared.opener) await b.switchToWindow(shared.opener);
      shared.current = shared.opener;
      const known = new Set(await b.getWindowHandles());
      await b.execute((w, h) => void window.open('about:blank', '_blank', `popup,width=${w},height=${h}`), viewport.width, viewport.height);
      for (let i = 0; i < 50 && !handle; i++) {
        handle = (await b.getWindowHandles()).find((h) => !known.has(h));
        if (!handle) await new Promise((r) => setTimeout(r, 100));
      }
      if (!handle) throw new Error('MiniBrowser did not open the page window');
      await b.switchToWindow(handle);
      shared.current = handle;
      const size = await b.execute(() => [window.innerWidth, window.innerHeight]);
      if (size[0] !== viewport.width || size[1] !== viewport.height) await b.setWindowSize(viewport.width, viewport.height);
    });
    const first = !shared.started;
    shared.started = true;
    let closed = false;
    return wrapPage('webkit', viewport, native, {
      goto: (url) =>
        inWindow(async () => {
          await b.url(url); // WebDriver classic waits for the load; it reports no status or headers
          return null;
        }),
      evaluate: (fn, arg) => inWindow(() => b.execute(fn, arg)),
      click: (selector) => inWindow(async () => (await b.$(selector)).click()),
      fill: (selector, text) =>
        inWindow(async () => {
          const el = await b.$(selector);
          const type = await el.getAttribute('type');
          if (['date', 'time', 'datetime-local', 'month', 'week', 'color', 'range'].includes(type)) {
            // No keyboard entry into WebKitGTK's date fields over WebDriver: set it as a picker would.
            await b.execute(setValueAsPicker, { selector, value: text });
          } else {
            await el.clearValue();
            await el.addValue(text);
          }
        }),
      selectOption: (selector, value) => inWindow(async () => (await b.$(selector)).selectByAttribute('value', value)),
      check: (selector) =>
        inWindow(async () => {
          const el = await b.$(selector);
          if (!(await el.isSelected())) await el.click();
        }),
      setInputFiles: (selector, file) =>
        inWindow(async () => {
          const dir = path.join(uploads, String(++files));
          await mkdir(dir);
          const where = path.join(dir, file.name);
          await writeFile(where, file.buffer);
          await (await b.$(selector)).addValue(where);
        }),
      screenshot: (file, { fullPage }) =>
        inWindow(async () => {
          // WebDriver classic captures the viewport: for the whole page, size the window to it first.
          const height = fullPage ? await b.execute(() => Math.ceil(document.documentElement.scrollHeight)) : 0;
          const grow = height > viewport.height;
          if (grow) await b.setWindowSize(viewport.width, height);
          // MiniBrowser's snapshot is the last painted frame: let the page paint what it shows now.
          await b.execute(afterNextPaint);
          await b.saveScreenshot(file);
          if (grow) await b.setWindowSize(viewport.width, viewport.height);
        }),
      async close() {
        if (closed) return;
        closed = true;
        // The first tab ends the session (the whole MiniBrowser, every tab), as in the other
        // engines, where it closes the browser context; another tab closes its window only.
        if (shared.closed) return undefined;
        if (first) {
          shared.closed = true;
          return locked(() => b.deleteSession());
        }
        return inWindow(async () => {
          await b.closeWindow();
          shared.current = undefined;
        });
      },
      openTab: () => webkitTab(shared, viewport),
    });
  }
}

/** Runs in the page: resolves once two frames were painted (or after 500 ms if the window does not paint). */
function afterNextPaint() {
  return new Promise((resolve) => {
    setTimeout(resolve, 500);
    requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
  });
}

/** Runs in the page: sets a value the way a native picker does (input + change events). */
function setValueAsPicker({ selector, value }) {
  const el = document.querySelector(selector);
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  setter.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

// ------------------------------------------------------------------ shared

function nativeRecorder() {
  return { consoleErrors: [], pageErrors: [], failedRequests: [] };
}

/** The engine-independent half of a page: waiting, reading text, problems, file-type checks. */
function wrapPage(engine, viewport, native, raw) {
  const page = {
    engine,
    viewport,
    goto: raw.goto,
    evaluate: raw.evaluate,
    click: raw.click,
    fill: raw.fill,
    selectOption: raw.selectOption,
    check: raw.check,
    close: raw.close,
    openTab: () => {
      if (!raw.openTab) throw new Error(`${engine}: this driver cannot open another tab`);
      return raw.openTab();
    },
    limitUpload: (bytesPerSecond) => (raw.limitUpload ? raw.limitUpload(bytesPerSecond) : Promise.resolve(false)),
    async waitForFunction(fn, arg, { timeout = 15_000, interval = 50 } = {}) {
      const until = Date.now() + timeout;
      let last;
      for (;;) {
        try {
          const value = await raw.evaluate(fn, arg);
          if (value) return value;
        } catch (error) {
          last = error; // e.g. the page is navigating
        }
        if (Date.now() > until) throw new Error(`waitForFunction timed out after ${timeout} ms: ${String(fn).slice(0, 200)}${last ? ` (last error: ${last.message})` : ''}`);
        await new Promise((r) => setTimeout(r, interval));
      }
    },
    waitForSelector(selector, { timeout = 15_000 } = {}) {
      return page.waitForFunction((s) => document.querySelector(s) !== null, selector, { timeout }).catch((error) => {
        throw new Error(`waitForSelector(${selector}) timed out after ${timeout} ms${error.message.includes('last error') ? `: ${error.message}` : ''}`);
      });
    },
    text: (selector) => raw.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector),
    /** Chooses a file, and checks the engine typed it as asked (engines other than Chromium take a path and type it by extension). */
    async setInputFiles(selector, file) {
      await raw.setInputFiles(selector, file);
      const got = await raw.evaluate((s) => {
        const f = document.querySelector(s).files[0];
        return f ? { name: f.name, type: f.type, size: f.size } : null;
      }, selector);
      const want = { name: file.name, type: file.mimeType, size: file.buffer.length };
      if (!got || got.name !== want.name || got.type !== want.type || got.size !== want.size) throw new Error(`${engine}: the file input holds ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    },
    async screenshot(file, { fullPage = true } = {}) {
      await mkdir(path.dirname(file), { recursive: true });
      await raw.screenshot(file, { fullPage });
    },
    /** What the page monitor recorded (null if the page does not load it) and what the engine reported. */
    async problems() {
      const monitor = await raw.evaluate(() => window.__pageMonitor ?? null).catch(() => null);
      return { monitor, native: { consoleErrors: [...native.consoleErrors], pageErrors: [...native.pageErrors], failedRequests: [...native.failedRequests] } };
    },
  };
  return page;
}

const LAUNCHERS = { chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit };

export async function launchBrowser(engine) {
  const launch = LAUNCHERS[engine];
  if (!launch) throw new Error(`unknown engine ${engine}`);
  return launch();
}
