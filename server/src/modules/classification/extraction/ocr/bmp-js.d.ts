declare module 'bmp-js' {
  /** Pixels as A, B, G, R bytes, top row first. */
  export function decode(buffer: Buffer): { width: number; height: number; data: Buffer };
}
