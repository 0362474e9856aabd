// Vite's `?url` import: the URL the asset is served at (here, pdf.js's worker).
declare module 'pdfjs-dist/build/pdf.worker.min.mjs?url' {
  const url: string;
  export default url;
}
