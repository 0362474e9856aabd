import { useEffect, useState } from 'react';
import { documentViewsApi } from '../../api/document-views.api';
import type { DocumentItem } from '../../api/types';
import { Icon } from '../../components/Icon';

/**
 * A document's thumbnail (first page or the image), or the file icon while it has none.
 * Decorative: the name beside it says what the document is.
 */
export function Thumbnail({ doc, size = 'row' }: { doc: DocumentItem; size?: 'row' | 'large' }) {
  const [src, setSrc] = useState<string | null>(null);
  // A new classification may bring a new thumbnail.
  const version = `${doc.id}|${doc.has_thumbnail}|${doc.classified_at ?? ''}`;
  useEffect(() => {
    if (!doc.has_thumbnail) return setSrc(null);
    const abort = new AbortController();
    let url: string | null = null;
    documentViewsApi
      .thumbnail(doc.id, abort.signal)
      .then((u) => {
        url = u;
        setSrc(u);
      })
      .catch(() => setSrc(null));
    return () => {
      abort.abort();
      if (url) URL.revokeObjectURL(url);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version]);
  return (
    <span className={`doc-thumb doc-thumb-${size}`} aria-hidden="true">
      {src ? <img src={src} alt="" className="doc-thumb-image" /> : <Icon name="file" size={size === 'row' ? 18 : 40} />}
    </span>
  );
}
