/**
 * pdf.js 5 (inside unpdf) calls ArrayBuffer.prototype.transferToFixedLength when it draws
 * pages, which V8 has only from Node 21. Without it, rendering a page with text silently
 * draws nothing or never settles on Node 20. A copy is what the native method gives here
 * (the detaching of the source is not needed: pdf.js drops it).
 */
const proto = ArrayBuffer.prototype as ArrayBuffer & { transferToFixedLength?: (n?: number) => ArrayBuffer };
if (typeof proto.transferToFixedLength !== 'function') {
  Object.defineProperty(ArrayBuffer.prototype, 'transferToFixedLength', {
    configurable: true,
    writable: true,
    value(this: ArrayBuffer, length = this.byteLength): ArrayBuffer {
      const out = new ArrayBuffer(length);
      new Uint8Array(out).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
      return out;
    },
  });
}
export {};
