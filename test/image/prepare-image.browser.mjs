// prepareImage (issue 5) in each real engine (run by test/browser/run.mjs, once
// per engine): a 4000×3000 JPEG carrying EXIF comes out as a 1600×1200 JPEG
// without EXIF, smaller than the original; a PDF passes through untouched; a
// photo whose EXIF says "rotate 90°" comes out upright. The same dimensions
// are required in every engine.
//
//   npm run test:image                       (all engines)
//   BROWSERS=webkit npm run test:image
import assert from 'node:assert/strict';
import { mkdtemp, rm, copyFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { MONITOR_FILE, ROOT, assertClean, startStaticServer, withConsoleTail, withTimeout } from '../browser/lib.mjs';

const CSP = `default-src 'none'; script-src 'self'; img-src data:`;

let bundled;
/** src/image.ts as a classic script exposing `window.OnboardingImage`. */
function bundle() {
  bundled ??= build({ entryPoints: [path.join(ROOT, 'src/image.ts')], bundle: true, write: false, format: 'iife', globalName: 'OnboardingImage', target: 'es2022' }).then((r) => r.outputFiles[0].text);
  return bundled;
}

/** A page (strict CSP) that loads the page monitor, then prepareImage; calls `fn` in it. */
async function inPage(browser, fn) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'prepare-image-'));
  await copyFile(MONITOR_FILE, path.join(dir, '__page-monitor.js'));
  await writeFile(path.join(dir, 'image.js'), await bundle());
  await writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><script src="./__page-monitor.js"></script><link rel="icon" href="data:,"><title>prepareImage</title><script src="./image.js"></script></head><body></body></html>',
  );
  const site = await startStaticServer(dir, { headers: { 'content-security-policy': CSP } });
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  try {
    await page.goto(`${site.origin}/`);
    await page.waitForFunction(() => typeof window.OnboardingImage?.prepareImage === 'function', null, { timeout: 10_000 });
    const result = await page.evaluate(fn);
    await assertClean(page);
    return result;
  } catch (error) {
    throw await withConsoleTail(page, error);
  } finally {
    await page.close();
    await site.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs in the page. */
async function prepareBigPhoto() {
  const { prepareImage } = window.OnboardingImage;
  // A noisy 4000×3000 photo, so the JPEG is realistically large.
  const canvas = document.createElement('canvas');
  canvas.width = 4000;
  canvas.height = 3000;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(4000, 3000);
  let seed = 7;
  for (let i = 0; i < img.data.length; i += 4) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    img.data[i] = ((i / 4) % 4000) / 16;
    img.data[i + 1] = seed & 0xff;
    img.data[i + 2] = 128;
    img.data[i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  const jpeg = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
  const plain = new Uint8Array(await jpeg.arrayBuffer());
  // Splice an EXIF APP1 segment (with a GPS-looking payload) right after SOI.
  const payload = new TextEncoder().encode('Exif\0\0MM\0*\0\0\0\x08GPS 44.4268N 26.1025E');
  const app1 = new Uint8Array(4 + payload.length);
  app1.set([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  app1.set(payload, 4);
  const withExif = new Uint8Array(plain.length + app1.length);
  withExif.set(plain.subarray(0, 2));
  withExif.set(app1, 2);
  withExif.set(plain.subarray(2), 2 + app1.length);
  const original = new File([withExif], 'IMG_0001.JPG', { type: 'image/jpeg' });

  const hasExif = (bytes) => {
    for (let i = 2; i + 4 < bytes.length && bytes[i] === 0xff; ) {
      const marker = bytes[i + 1];
      if (marker === 0xda) break; // start of scan: no more metadata segments
      const len = (bytes[i + 2] << 8) | bytes[i + 3];
      if (marker === 0xe1 && String.fromCharCode(...bytes.subarray(i + 4, i + 8)) === 'Exif') return true;
      i += 2 + len;
    }
    return false;
  };
  const prepared = await prepareImage(original, { maxDimension: 1600, quality: 0.8 });
  const out = new Uint8Array(await prepared.arrayBuffer());
  const bitmap = await createImageBitmap(prepared);
  const pdf = new File(['%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'], 'id.pdf', { type: 'application/pdf' });
  const preparedPdf = await prepareImage(pdf);
  return {
    encoderMadeJpeg: jpeg.type === 'image/jpeg',
    offscreenCanvas: typeof OffscreenCanvas === 'function',
    originalHasExif: hasExif(withExif),
    originalSize: original.size,
    size: prepared.size,
    type: prepared.type,
    name: prepared.name,
    width: bitmap.width,
    height: bitmap.height,
    soi: out[0] === 0xff && out[1] === 0xd8,
    eoi: out[out.length - 2] === 0xff && out[out.length - 1] === 0xd9,
    exif: hasExif(out),
    pdfSame: preparedPdf === pdf,
  };
}

/** Runs in the page: a 400×200 photo (left half red, right half blue) whose EXIF says orientation 6 (rotate 90° clockwise). */
async function prepareRotatedPhoto() {
  const { prepareImage } = window.OnboardingImage;
  const canvas = document.createElement('canvas');
  canvas.width = 400;
  canvas.height = 200;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#f00';
  ctx.fillRect(0, 0, 200, 200);
  ctx.fillStyle = '#00f';
  ctx.fillRect(200, 0, 200, 200);
  const plain = new Uint8Array(await (await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.95))).arrayBuffer());
  // APP1: "Exif\0\0", big-endian TIFF header, IFD0 with one entry: Orientation (0x0112), SHORT, 1, value 6.
  const tiff = [0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
  const payload = [...new TextEncoder().encode('Exif\0\0'), ...tiff];
  const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
  const bytes = new Uint8Array(plain.length + app1.length);
  bytes.set(plain.subarray(0, 2));
  bytes.set(app1, 2);
  bytes.set(plain.subarray(2), 2 + app1.length);
  const original = new File([bytes], 'rotated.jpg', { type: 'image/jpeg' });

  const colourAt = (bitmap, x, y) => {
    const c = document.createElement('canvas');
    c.width = bitmap.width;
    c.height = bitmap.height;
    const g = c.getContext('2d');
    g.drawImage(bitmap, 0, 0);
    const [r, gr, b] = g.getImageData(x, y, 1, 1).data;
    return r > 150 && b < 100 ? 'red' : b > 150 && r < 100 ? 'blue' : `rgb(${r},${gr},${b})`;
  };
  // How the engine itself decodes it, for the record.
  const asIs = await createImageBitmap(original);
  const fromImage = await createImageBitmap(original, { imageOrientation: 'from-image' });
  const prepared = await prepareImage(original);
  const out = await createImageBitmap(prepared);
  const head = new Uint8Array(await prepared.slice(0, 4096).arrayBuffer());
  const exif = new TextDecoder('latin1').decode(head).includes('Exif\0');
  return {
    exif,
    engineDefault: [asIs.width, asIs.height],
    engineFromImage: [fromImage.width, fromImage.height],
    prepared: [out.width, out.height],
    top: colourAt(out, out.width / 2, 20),
    bottom: colourAt(out, out.width / 2, out.height - 20),
    type: prepared.type,
  };
}

export const tests = [
  {
    name: 'prepareImage: a 4000×3000 JPEG with EXIF becomes a 1600×1200 JPEG without EXIF, smaller; a PDF passes through',
    fn: ({ browser, log }) =>
      withTimeout(
        (async () => {
          const r = await inPage(browser, prepareBigPhoto);
          log(`canvas.toBlob made a JPEG: ${r.encoderMadeJpeg}; OffscreenCanvas: ${r.offscreenCanvas}; ${r.originalSize} B → ${r.width}×${r.height} ${r.type} ${r.size} B`);
          assert.ok(r.encoderMadeJpeg, 'the engine encodes canvas JPEGs (WPE’s cog does not)');
          assert.ok(r.originalHasExif, 'the test photo really carries EXIF');
          assert.deepEqual([r.width, r.height], [1600, 1200], 'the prepared photo is 1600×1200 (the same in every engine)');
          assert.ok(r.type === 'image/jpeg' && r.soi && r.eoi, `the prepared photo is a valid JPEG (${r.type})`);
          assert.equal(r.exif, false, 'the prepared photo has no EXIF');
          assert.ok(r.size < r.originalSize, `the prepared photo is smaller than the original: ${r.size} < ${r.originalSize}`);
          assert.equal(r.name, 'IMG_0001.jpg', 'the prepared photo keeps a sensible name');
          assert.ok(r.pdfSame, 'a PDF passes through untouched');
        })(),
        60_000,
        'prepareImage',
      ),
  },
  {
    name: 'prepareImage: a photo whose EXIF says "rotate 90°" comes out upright (200×400, red on top) and without EXIF',
    fn: ({ browser, log }) =>
      withTimeout(
        (async () => {
          const r = await inPage(browser, prepareRotatedPhoto);
          log(`createImageBitmap of a 400×200 JPEG with orientation 6: default ${r.engineDefault.join('×')}, {imageOrientation:'from-image'} ${r.engineFromImage.join('×')}; prepared ${r.prepared.join('×')}, top ${r.top}, bottom ${r.bottom}`);
          assert.equal(r.type, 'image/jpeg');
          assert.equal(r.exif, false, 'no EXIF (so no viewer can turn it a second time)');
          assert.deepEqual(r.prepared, [200, 400], 'the prepared photo is upright (portrait)');
          assert.deepEqual([r.top, r.bottom], ['red', 'blue'], 'turned clockwise, as EXIF orientation 6 says');
        })(),
        60_000,
        'prepareImage',
      ),
  },
];
