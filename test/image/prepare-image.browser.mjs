// Real-Chromium check of prepareImage (issue 5): a 4000×3000 JPEG carrying EXIF
// comes out ≤ the configured dimension, as a valid JPEG without EXIF, smaller
// than the original; a PDF passes through untouched. Run: npm run test:image
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const bundle = await build({
  entryPoints: [`${root}/src/image.ts`], bundle: true, write: false, format: 'iife', globalName: 'OnboardingImage',
});

const browser = await chromium.launch({ executablePath, args });
let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  ok ? passed++ : failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
};
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setContent('<!doctype html><title>prepareImage</title>');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  const r = await page.evaluate(async () => {
    const { prepareImage } = window.OnboardingImage;
    // A noisy 4000×3000 photo, so the JPEG is realistically large.
    const canvas = new OffscreenCanvas(4000, 3000);
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(4000, 3000);
    let seed = 7;
    for (let i = 0; i < img.data.length; i += 4) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      img.data[i] = (i / 4) % 4000 / 16; img.data[i + 1] = seed & 0xff; img.data[i + 2] = 128; img.data[i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    const plain = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 })).arrayBuffer());
    // Splice an EXIF APP1 segment (with a GPS-looking payload) right after SOI.
    const payload = new TextEncoder().encode('Exif\0\0MM\0*\0\0\0\x08GPS 44.4268N 26.1025E');
    const app1 = new Uint8Array(4 + payload.length);
    app1.set([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
    app1.set(payload, 4);
    const withExif = new Uint8Array(plain.length + app1.length);
    withExif.set(plain.subarray(0, 2)); withExif.set(app1, 2); withExif.set(plain.subarray(2), 2 + app1.length);
    const original = new File([withExif], 'IMG_0001.JPG', { type: 'image/jpeg' });

    const hasExif = (bytes) => {
      for (let i = 2; i + 4 < bytes.length && bytes[i] === 0xff;) {
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
      originalHasExif: hasExif(withExif), originalSize: original.size,
      size: prepared.size, type: prepared.type, name: prepared.name,
      width: bitmap.width, height: bitmap.height,
      soi: out[0] === 0xff && out[1] === 0xd8, eoi: out[out.length - 2] === 0xff && out[out.length - 1] === 0xd9,
      exif: hasExif(out), pdfSame: preparedPdf === pdf,
    };
  });
  check('the test photo really carries EXIF', r.originalHasExif);
  check('the prepared photo fits 1600 px', Math.max(r.width, r.height) <= 1600 && r.width === 1600, `${r.width}×${r.height}`);
  check('the prepared photo is a valid JPEG', r.type === 'image/jpeg' && r.soi && r.eoi, r.type);
  check('the prepared photo has no EXIF', !r.exif);
  check('the prepared photo is smaller than the original', r.size < r.originalSize, `${r.size} < ${r.originalSize}`);
  check('the prepared photo keeps a sensible name', r.name === 'IMG_0001.jpg', r.name);
  check('a PDF passes through untouched', r.pdfSame);
  check('no page errors', errors.length === 0, errors.join('; '));
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
