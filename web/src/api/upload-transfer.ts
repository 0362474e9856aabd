/**
 * Step 2 of an upload: PUT the bytes straight to the URL the server signed (the app's
 * own disk endpoint or a presigned S3 URL), with XMLHttpRequest because fetch() cannot
 * report upload progress.
 */
export class TransferError extends Error {
  constructor(
    readonly kind: 'network' | 'http' | 'aborted',
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'TransferError';
  }
}

export interface Transfer {
  done: Promise<void>;
  abort(): void;
}

const NETWORK_MESSAGE = 'The file could not be sent to storage. Check your connection and retry.';

export function putFile(opts: {
  url: string;
  file: Blob;
  headers: Record<string, string>;
  onProgress: (loaded: number, total: number) => void;
  /**
   * Give up (as a network failure, so the caller may retry) when nothing moves for this
   * long: a connection that died without a reset never errors on its own.
   */
  stallMs?: number;
}): Transfer {
  const xhr = new XMLHttpRequest();
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watch = () => {
    if (opts.stallMs === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      xhr.abort();
    }, opts.stallMs);
  };
  const done = new Promise<void>((resolve, reject) => {
    xhr.open('PUT', opts.url);
    for (const [name, value] of Object.entries(opts.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      watch();
      opts.onProgress(e.loaded, e.lengthComputable ? e.total : opts.file.size);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new TransferError('http', xhr.status, transferMessage(xhr.status)));
    };
    xhr.onerror = () => reject(new TransferError('network', 0, NETWORK_MESSAGE));
    xhr.onabort = () =>
      reject(stalled ? new TransferError('network', 0, NETWORK_MESSAGE) : new TransferError('aborted', 0, 'Cancelled'));
    xhr.onloadend = () => clearTimeout(timer);
    xhr.send(opts.file);
    watch();
  });
  return { done, abort: () => xhr.abort() };
}

function transferMessage(status: number): string {
  if (status === 403) return 'Storage refused the upload link (it may have expired). Retry to get a new one.';
  if (status === 413) return 'Storage refused the file because it is larger than announced. Retry.';
  if (status >= 500) return 'Storage is not answering properly right now. Retry in a moment.';
  return `Storage refused the upload (error ${status}). Retry.`;
}
