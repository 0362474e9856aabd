import './node20-polyfills.js';
import sharp, { type Sharp } from 'sharp';
import { createIsomorphicCanvasFactory, getResolvedPDFJS } from 'unpdf';
import type { PDFPageProxy } from 'unpdf/pdfjs';
import { ExtractionError } from '../extraction-limits.js';

/** Scans are read at 300 dpi: PDF units are 1/72 inch. */
export const OCR_DPI = 300;
/**
 * Pixels of a drawn page at most: its RGBA canvas and the copy read from it stay within
 * ~130 MB. A letter page at 300 dpi is 8.4 million, an A3 one 17.4 million (drawn at ~290 dpi).
 */
const MAX_RENDER_PIXELS = 16_000_000;
/** A page whose text layer has fewer characters than this (spaces aside) has no usable text. */
const MIN_TEXT_CHARS = 20;

type CanvasFactory = { create(w: number, h: number): { canvas: unknown; context: CanvasContext }; destroy(c: unknown): void };
interface CanvasContext {
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
let factory: Promise<new () => CanvasFactory> | undefined;

/** The text of a page's text layer, as the born-digital extraction reads it. */
export async function pageTextLayer(page: PDFPageProxy): Promise<string> {
  const content = await page.getTextContent();
  let s = '';
  for (const item of content.items) {
    if (!('str' in item)) continue;
    s += item.str + (item.hasEOL ? '\n' : ' ');
  }
  return s;
}

/**
 * Whether a page is to be read by OCR: its text layer is (nearly) empty and it paints at
 * least one image. A born-digital page has text; an empty page has no image.
 */
export async function needsOcr(page: PDFPageProxy, textLayer: string): Promise<boolean> {
  if (textLayer.replace(/\s+/g, '').length >= MIN_TEXT_CHARS) return false;
  const { OPS } = await getResolvedPDFJS();
  const images = new Set<number>([
    OPS.paintImageXObject,
    OPS.paintInlineImageXObject,
    OPS.paintImageMaskXObject,
    OPS.paintImageXObjectRepeat,
  ]);
  const ops = await page.getOperatorList();
  return ops.fnArray.some((fn) => images.has(fn));
}

/**
 * Draws a page with pdf.js on an @napi-rs/canvas canvas and hands its pixels to sharp.
 * `dpi` or `width` sets the scale; the page is scaled down to stay within `maxPixels`, so a
 * page with a huge MediaBox cannot make a huge canvas.
 */
export async function renderPage(page: PDFPageProxy, opts: { dpi?: number; width?: number; maxPixels: number }): Promise<Sharp> {
  const base = page.getViewport({ scale: 1 });
  let scale = opts.width ? opts.width / base.width : (opts.dpi ?? OCR_DPI) / 72;
  const cap = Math.min(opts.maxPixels, MAX_RENDER_PIXELS);
  scale = Math.min(scale, Math.sqrt(cap / Math.max(1, base.width * base.height)));
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.floor(viewport.width));
  const height = Math.max(1, Math.floor(viewport.height));
  factory ??= createIsomorphicCanvasFactory(() => import('@napi-rs/canvas')) as Promise<new () => CanvasFactory>;
  const canvases = new (await factory)();
  const drawing = canvases.create(width, height);
  try {
    await page.render({ canvas: drawing.canvas as never, canvasContext: drawing.context as never, viewport }).promise;
    const { data } = drawing.context.getImageData(0, 0, width, height);
    const rgba = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    // Transparent areas are paper: flatten on white.
    return sharp(rgba, { raw: { width, height, channels: 4 } }).flatten({ background: '#ffffff' });
  } catch (e) {
    throw new ExtractionError(
      `A page of the PDF could not be drawn for OCR: ${(e as Error).message?.split('\n')[0]?.slice(0, 120)}`,
    );
  } finally {
    canvases.destroy(drawing);
  }
}
