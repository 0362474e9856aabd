import { createHash } from 'node:crypto';

/**
 * The public share page: plain server-made HTML, no script, no app bundle, one inline
 * stylesheet allowed by its hash. It shows the file's name, size and expiry and nothing
 * else of the owner's; while a password is owed, not even those.
 */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d2330}
main{background:#fff;border:1px solid #d9dde4;border-radius:12px;padding:28px;margin:16px;width:100%;max-width:440px}
h1{font-size:1.25rem;margin:0 0 4px;overflow-wrap:anywhere}
p{margin:0 0 16px}
.meta{color:#4a5263;font-size:.95rem}
label{display:block;font-weight:600;margin-bottom:4px}
input{width:100%;font:inherit;padding:10px 12px;border:1px solid #8a93a5;border-radius:8px;margin-bottom:16px}
button{font:inherit;font-weight:600;padding:10px 20px;border:0;border-radius:8px;background:#1f5fd6;color:#fff;cursor:pointer;width:100%}
button:hover{background:#174bb0}
input:focus-visible,button:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.error{color:#a4161a;font-weight:600}
.brand{color:#4a5263;font-size:.85rem;margin:16px 0 0}
`;

const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/** The page's CSP: nothing loads or runs; forms post to us (and follow our redirect to storage). */
export function sharePageCsp(formTargets: string[]): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${STYLE_HASH}'`,
    `form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

function formatExpiry(expiresAt: Date | null): string {
  if (!expiresAt) return 'This link does not expire.';
  const iso = expiresAt.toISOString();
  return `Available until ${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC.`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
<p class="brand">Shared with DocuVault</p>
</main>
</body>
</html>
`;
}

export function notAvailablePage(): string {
  return page('Link not available', '<h1>This link is not available.</h1>');
}

export function readyPage(opts: { token: string; filename: string; sizeBytes: number; expiresAt: Date | null }): string {
  return page(
    opts.filename,
    `<h1>${escapeHtml(opts.filename)}</h1>
<p class="meta">${escapeHtml(formatSize(opts.sizeBytes))} · ${escapeHtml(formatExpiry(opts.expiresAt))}</p>
<form method="post" action="/s/${opts.token}/download">
<button type="submit">Download</button>
</form>`,
  );
}

export function passwordPage(opts: { token: string; error?: string }): string {
  const error = opts.error ? `<p class="error" role="alert">${escapeHtml(opts.error)}</p>` : '';
  return page(
    'Password required',
    `<h1>This document is protected</h1>
<p class="meta">Enter the password you were given to see and download it.</p>
${error}<form method="post" action="/s/${opts.token}/unlock">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="off" required maxlength="1024" autofocus>
<button type="submit">Continue</button>
</form>`,
  );
}

export function tooManyPage(message: string): string {
  return page('Too many attempts', `<h1>Too many attempts</h1><p class="error" role="alert">${escapeHtml(message)}</p>`);
}
