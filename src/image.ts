/** Options of {@link prepareImage}. */
export interface ImagePreparation {
  /** Longest side of the prepared image, in pixels. Default 1600 (plenty for ID checks, a fraction of a 12 MP photo). */
  maxDimension?: number;
  /** JPEG quality between 0 and 1. Default 0.85. */
  quality?: number;
}

type Canvas2D = { drawImage(image: ImageBitmap, x: number, y: number, w: number, h: number): void; fillStyle: unknown; fillRect(x: number, y: number, w: number, h: number): void };

async function encodeJpeg(bitmap: ImageBitmap, width: number, height: number, quality: number): Promise<Blob | null> {
  const draw = (ctx: Canvas2D | null) => {
    if (!ctx) return false;
    // JPEG has no alpha: paint white first so transparent PNG areas do not turn black.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(bitmap, 0, 0, width, height);
    return true;
  };
  if (typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(width, height);
    if (!draw(canvas.getContext('2d') as Canvas2D | null)) return null;
    return canvas.convertToBlob({ type: 'image/jpeg', quality });
  }
  if (typeof document === 'undefined') return null;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  if (!draw(canvas.getContext('2d') as Canvas2D | null)) return null;
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
}

/**
 * Prepares a photo for upload in the browser: a JPEG or PNG larger than
 * `maxDimension` is downscaled, and every JPEG is re-encoded — which drops its
 * EXIF metadata (a phone photo's GPS location has no business in a KYC upload).
 * Anything else (a PDF), or a runtime without `createImageBitmap` and a canvas,
 * gets the original file back untouched, so calling it is always safe.
 */
export async function prepareImage(file: Blob, options: ImagePreparation = {}): Promise<Blob> {
  const { maxDimension = 1600, quality = 0.85 } = options;
  const isJpeg = file.type === 'image/jpeg';
  if (!(isJpeg || file.type === 'image/png') || typeof createImageBitmap !== 'function') return file;
  let bitmap: ImageBitmap;
  try {
    // EXIF orientation is applied before it is dropped, so the photo stays upright.
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file; // undecodable: let the server decide
  }
  try {
    const scale = Math.min(1, maxDimension / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && !isJpeg) return file; // a small PNG has no EXIF to drop; keep it lossless
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const jpeg = await encodeJpeg(bitmap, width, height, quality).catch(() => null);
    if (!jpeg) return file;
    const name = typeof File === 'function' && file instanceof File ? file.name.replace(/\.[^./]*$/, '') || 'image' : 'image';
    return new File([jpeg], `${name}.jpg`, { type: 'image/jpeg' });
  } finally {
    bitmap.close();
  }
}
