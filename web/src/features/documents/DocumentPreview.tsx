import { useEffect, useRef, useState } from 'react';
import { hasCode } from '../../api/api-error';
import { documentViewsApi } from '../../api/document-views.api';
import type { DocumentItem, PreviewLink } from '../../api/types';
import { Spinner } from '../../components/Spinner';

/** Pages of a PDF drawn in the preview at most; the rest is a download away. */
const MAX_PDF_PAGES = 5;

/**
 * The file itself: a PDF's pages drawn by pdf.js (loaded only here), an image, or plain
 * text. The URL is the server's inline preview URL (PDFs, images and plain text only; never
 * HTML or SVG); pdf.js and the text view read its bytes, nothing of it runs.
 */
export function DocumentPreview({ doc }: { doc: DocumentItem }) {
  const [link, setLink] = useState<PreviewLink | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    if (doc.status === 'pending') return setMessage('The file has not been uploaded yet.');
    let live = true;
    documentViewsApi
      .previewUrl(doc.id)
      .then((l) => live && setLink(l))
      .catch((e: unknown) => {
        if (!live) return;
        setMessage(
          hasCode(e, 'preview_unavailable')
            ? 'This kind of file is not shown here. Download it to open it.'
            : 'The preview could not be loaded.',
        );
      });
    return () => {
      live = false;
    };
  }, [doc.id, doc.status]);

  if (message) return <p className="muted preview-message">{message}</p>;
  if (!link) return <Spinner label="Loading the preview" />;
  if (link.content_type === 'application/pdf') return <PdfPreview url={link.url} name={doc.filename} />;
  if (link.content_type.startsWith('image/'))
    return <img className="preview-image" src={link.url} alt={`Preview of ${doc.filename}`} />;
  return <TextPreview url={link.url} />;
}

function TextPreview({ url }: { url: string }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetch(url)
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then((t) => live && setText(t.slice(0, 100_000)))
      .catch(() => live && setText(''));
    return () => {
      live = false;
    };
  }, [url]);
  if (text === null) return <Spinner label="Loading the preview" />;
  return (
    <pre className="preview-text" tabIndex={0} aria-label="File contents">
      {text}
    </pre>
  );
}

function PdfPreview({ url, name }: { url: string; name: string }) {
  const holder = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{ pages: number; shown: number } | 'loading' | 'failed'>('loading');
  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | undefined;
    (async () => {
      const pdfjs = await import('pdfjs-dist');
      const worker = await import('pdfjs-dist/build/pdf.worker.min.mjs?url');
      pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
      const task = pdfjs.getDocument({ url, isEvalSupported: false });
      destroy = () => void task.destroy();
      const pdf = await task.promise;
      const shown = Math.min(pdf.numPages, MAX_PDF_PAGES);
      const box = holder.current;
      if (!box || cancelled) return;
      box.replaceChildren();
      for (let n = 1; n <= shown && !cancelled; n++) {
        const page = await pdf.getPage(n);
        const width = Math.min(box.clientWidth || 600, 900);
        const base = page.getViewport({ scale: 1 });
        const ratio = window.devicePixelRatio || 1;
        const viewport = page.getViewport({ scale: (width / base.width) * ratio });
        const canvas = document.createElement('canvas');
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
        canvas.className = 'preview-pdf-page';
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `Page ${n} of ${name}`);
        box.append(canvas);
        await page.render({ canvas, viewport }).promise;
      }
      if (!cancelled) setState({ pages: pdf.numPages, shown });
    })().catch(() => !cancelled && setState('failed'));
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [url, name]);
  return (
    <div className="preview-pdf">
      {state === 'loading' ? <Spinner label="Drawing the pages" /> : null}
      {state === 'failed' ? <p className="muted preview-message">The PDF could not be shown. Download it to open it.</p> : null}
      <div ref={holder} className="preview-pdf-pages" data-testid="pdf-pages" />
      {typeof state === 'object' && state.pages > state.shown ? (
        <p className="muted">
          The first {state.shown} of {state.pages} pages are shown. Download the file for the rest.
        </p>
      ) : null}
    </div>
  );
}
