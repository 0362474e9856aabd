/// <reference path="./bmp-js.d.ts" />
import sharp, { type Metadata, type Sharp } from 'sharp';
import { decode as decodeBmp } from 'bmp-js';
import { ExtractionError, type OcrLimits } from '../extraction-limits.js';

// One libvips thread and no cache: an extraction process reads one page at a time.
sharp.concurrency(1);
sharp.cache(false);

/** Below this many pixels on the longer side a page is scaled up for OCR (Tesseract wants ~20 px capitals). */
const SMALL_SIDE = 1600;
const MAX_UPSCALE = 3;
export const THUMBNAIL_WIDTH = 400;
const THUMBNAIL_HEIGHT = 600;

export interface ImageSource {
  /** Pages (multi-page TIFF); every other format is one page (the first frame of an animation). */
  pages: number;
  /** The page as sharp input, decoded lazily; only pages below OCR_MAX_PAGES are ever opened. */
  open(page: number): Sharp;
  /**
   * The file itself when Tesseract reads it as well as the normalised page: a one-page,
   * upright PNG or JPEG, no transparency, large enough. Then the pixels are decoded once, by the
   * engine, instead of here and there again (a 300 dpi page takes ~0.3 s to decode).
   */
  asIs: OcrImage | null;
}

/**
 * Opens an image file with sharp (libvips): PNG, JPEG, TIFF, WebP, GIF; BMP (which libvips
 * reads only through ImageMagick) via bmp-js. The header's size is checked before a pixel
 * is decoded, so a small file claiming a huge image (a decompression bomb) is refused
 * cheaply; a corrupt file is refused with a plain message.
 */
export async function openImage(bytes: Buffer, limits: Pick<OcrLimits, 'maxPixels'>): Promise<ImageSource> {
  if (bytes.subarray(0, 2).toString('latin1') === 'BM') return openBmp(bytes, limits);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw unreadable(e);
  }
  checkSize(meta.width, meta.pageHeight ?? meta.height, limits.maxPixels);
  const pages = meta.format === 'tiff' ? Math.max(1, meta.pages ?? 1) : 1;
  return {
    pages,
    asIs: readableAsIs(meta) ? { encoded: bytes } : null,
    open: (page) => sharp(bytes, { page, limitInputPixels: limits.maxPixels, failOn: 'warning' }),
  };
}

function openBmp(bytes: Buffer, limits: Pick<OcrLimits, 'maxPixels'>): ImageSource {
  if (bytes.length < 26) throw new ExtractionError('The image could not be read (corrupt or unsupported): a truncated BMP');
  checkSize(bytes.readUInt32LE(18), Math.abs(bytes.readInt32LE(22)), limits.maxPixels);
  let decoded: { width: number; height: number; data: Buffer };
  try {
    decoded = decodeBmp(bytes);
  } catch (e) {
    throw unreadable(e);
  }
  const { width, height, data } = decoded;
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) {
    rgb[o] = data[i + 3]!;
    rgb[o + 1] = data[i + 2]!;
    rgb[o + 2] = data[i + 1]!;
  }
  return { pages: 1, asIs: null, open: () => sharp(rgb, { raw: { width, height, channels: 3 } }) };
}

function readableAsIs(meta: Metadata): boolean {
  return (
    (meta.format === 'png' || meta.format === 'jpeg') &&
    !meta.hasAlpha &&
    (meta.orientation ?? 1) === 1 &&
    (meta.space === 'srgb' || meta.space === 'b-w') &&
    (meta.pages ?? 1) === 1 &&
    Math.max(meta.width ?? 0, meta.height ?? 0) >= SMALL_SIDE
  );
}

function checkSize(width: number | undefined, height: number | undefined, maxPixels: number): void {
  if (!width || !height) throw new ExtractionError('The image could not be read (corrupt or unsupported): no size');
  if (width * height > maxPixels) {
    throw new ExtractionError(
      `The image is ${width.toLocaleString('en')} × ${height.toLocaleString('en')} pixels; at most ${Math.round(
        maxPixels / 1e6,
      )} million pixels are read`,
    );
  }
}

/** A page ready for OCR: 8-bit grayscale pixels, row by row, no padding. */
export interface GrayPage {
  gray: Buffer;
  width: number;
  height: number;
}

/** What an OCR engine reads: a normalised page, or an image file it decodes itself. */
export type OcrImage = GrayPage | { encoded: Buffer };

/**
 * A page as Tesseract reads it best: upright (EXIF orientation), grayscale, flattened on
 * white, small images scaled up. Raw pixels, so no engine pays for a PNG it must decode
 * again: the program reads them as PGM, tesseract.js as a PNG made by `imageFileOf`.
 */
export async function pageForOcr(page: Sharp, limits: Pick<OcrLimits, 'maxPixels'>): Promise<GrayPage> {
  try {
    const upright = page.rotate().flatten({ background: '#ffffff' }).grayscale();
    const { data, info } = await upright.raw().toBuffer({ resolveWithObject: true });
    const longer = Math.max(info.width, info.height);
    let scale = longer < SMALL_SIDE ? Math.min(MAX_UPSCALE, SMALL_SIDE / longer) : 1;
    scale = Math.min(scale, Math.sqrt(limits.maxPixels / (info.width * info.height)));
    if (scale <= 1.05 && info.channels === 1) return { gray: data, width: info.width, height: info.height };
    let out = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    if (scale > 1.05) out = out.resize(Math.round(info.width * scale), Math.round(info.height * scale), { kernel: 'lanczos3' });
    const scaled = await out.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    return { gray: scaled.data, width: scaled.info.width, height: scaled.info.height };
  } catch (e) {
    if (e instanceof ExtractionError) throw e;
    throw unreadable(e);
  }
}

/** The page as an image file: itself, or a quickly-compressed grayscale PNG. */
export async function imageFileOf(page: OcrImage): Promise<Buffer> {
  if ('encoded' in page) return page.encoded;
  return sharp(page.gray, { raw: { width: page.width, height: page.height, channels: 1 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** The page as an image file: itself, or binary PGM (P5), a header before the raw pixels. */
export function pgmOf(page: OcrImage): Buffer[] {
  if ('encoded' in page) return [page.encoded];
  return [Buffer.from(`P5\n${page.width} ${page.height}\n255\n`, 'latin1'), page.gray];
}

/** A thumbnail at most 400 px wide (and 600 high), in colour, as WebP. */
export async function thumbnailOf(page: Sharp): Promise<Buffer> {
  return page
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize(THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 70 })
    .toBuffer();
}

function unreadable(e: unknown): ExtractionError {
  const m = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
  if (/pixel limit/i.test(m)) return new ExtractionError('The image is too large to read');
  return new ExtractionError(
    `The image could not be read (corrupt or unsupported): ${m.replace(/(\/[\w.-]+){2,}/g, '…').slice(0, 160)}`,
  );
}
