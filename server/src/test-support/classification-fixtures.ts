/**
 * Helpers shared by the classification, topics, settings and search tests (under
 * test-support/, which the production build leaves out).
 * Everything goes through real HTTP; the database is only read, to check what happened.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpClient, randomEmail, signUp, type TestApp, type TestUser } from './test-app.js';

export { PASSWORD, randomEmail, type TestUser } from './test-app.js';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function vaultClient(app: Pick<TestApp, 'baseUrl'>) {
  const req = httpClient(app.baseUrl);
  const c = {
    req,
    user: (tag = 'u'): Promise<TestUser> => signUp(req, randomEmail(tag)),
    async topic(token: string, name: string, description = ''): Promise<string> {
      const r = await req('POST', '/api/topics', { token, json: { name, description } });
      if (r.status !== 201) throw new Error(`topic: ${r.status} ${r.text}`);
      return r.body.id;
    },
    async settings(token: string, json: Record<string, unknown>) {
      const r = await req('PUT', '/api/settings', { token, json });
      if (r.status !== 200) throw new Error(`settings: ${r.status} ${r.text}`);
      return r.body;
    },
    /** upload-url → PUT → confirm; the document id. */
    async upload(token: string, filename: string, contentType: string, bytes: Buffer | string): Promise<string> {
      // Declared, as the web UI does: an undeclared URL reserves up to 64 MiB until its bytes arrive.
      const size_bytes = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
      const u = await req('POST', '/api/documents/upload-url', {
        token,
        json: { filename, content_type: contentType, size_bytes },
      });
      if (u.status !== 200) throw new Error(`upload-url: ${u.status} ${u.text}`);
      const url = u.body.upload_url.startsWith('http') ? u.body.upload_url : app.baseUrl + u.body.upload_url;
      const body = typeof bytes === 'string' ? bytes : new Uint8Array(bytes);
      const headers =
        Object.keys(u.body.upload_headers ?? {}).length > 0 ? u.body.upload_headers : { 'content-type': contentType };
      const put = await fetch(url, { method: 'PUT', body, headers });
      if (put.status >= 300) throw new Error(`PUT: ${put.status} ${await put.text()}`);
      const confirm = await req('POST', `/api/documents/${u.body.document_id}/confirm`, { token });
      if (confirm.status !== 200) throw new Error(`confirm: ${confirm.status} ${confirm.text}`);
      return u.body.document_id;
    },
    async doc(token: string, id: string): Promise<any> {
      const r = await req('GET', `/api/documents/${id}`, { token });
      if (r.status !== 200) throw new Error(`GET document: ${r.status} ${r.text}`);
      return r.body;
    },
    /** Waits until the document's status is one of `statuses` (and, with `after`, classified after that time). */
    async settled(
      token: string,
      id: string,
      opts: { statuses?: string[]; timeoutMs?: number; after?: string | null } = {},
    ): Promise<any> {
      const statuses = opts.statuses ?? ['classified', 'classification_failed'];
      const t0 = Date.now();
      for (;;) {
        const d = await c.doc(token, id);
        const fresh =
          opts.after === undefined ||
          (d.classified_at !== null && d.classified_at !== opts.after) ||
          d.status === 'classification_failed';
        if (statuses.includes(d.status) && fresh) return d;
        if (Date.now() - t0 > (opts.timeoutMs ?? 30_000)) throw new Error(`document ${id} still ${d.status} (${d.error ?? ''})`);
        await sleep(150);
      }
    },
    topicNames: (doc: { topics: { name: string; source: string }[] }, source?: string) =>
      doc.topics
        .filter((t) => !source || t.source === source)
        .map((t) => t.name)
        .sort(),
  };
  return c;
}

/** Finance / Health / Travel, with names and descriptions only (no examples). */
export const FHT_TOPICS: [string, string][] = [
  [
    'Finance',
    'Money matters: bank statements, invoices, bills, payments, salary, loans, mortgage, insurance premiums and budgets.',
  ],
  [
    'Health',
    'Medical records: doctor visits, hospital letters, prescriptions, lab and blood test results, vaccinations and health insurance claims.',
  ],
  [
    'Travel',
    'Trips and holidays: flight tickets, boarding passes, hotel bookings, train tickets, itineraries, passports and visas.',
  ],
];

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export type Reply =
  | { status: number; body: unknown; headers?: Record<string, string> }
  | ((r: RecordedRequest) => { status: number; body: unknown; headers?: Record<string, string> });

/**
 * A local HTTP server on 127.0.0.1 that answers like an AI provider: each request gets the
 * next scripted reply (the last one repeats). Requests are recorded.
 */
export async function fakeProvider(
  replies: Reply[],
): Promise<{ url: string; requests: RecordedRequest[]; script: Reply[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const script = [...replies];
  let i = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* keep text */
      }
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      const step = script[Math.min(i++, script.length - 1)]!;
      const r = typeof step === 'function' ? step(recorded) : step;
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** An OpenAI chat completion whose message content is the JSON answer. */
export function openAiAnswer(topics: { name: string; confidence: number }[]) {
  return {
    status: 200,
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: 'gpt-4o-mini',
      choices: [
        { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: JSON.stringify({ topics }), refusal: null } },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    },
  };
}

/** An OpenAI error, as its API sends them. */
export function openAiError(status: number, message: string, type: string, headers: Record<string, string> = {}) {
  return { status, headers, body: { error: { message, type, param: null, code: type } } };
}

/** An Anthropic Messages answer with the forced tool call. */
export function anthropicAnswer(topics: { name: string; confidence: number }[]) {
  return {
    status: 200,
    body: {
      id: 'msg_test',
      type: 'message',
      role: 'assistant',
      model: 'claude-3-5-haiku-latest',
      content: [{ type: 'tool_use', id: 'toolu_test', name: 'file_document', input: { topics } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 10 },
    },
  };
}

/** An Anthropic error, as its API sends them. */
export function anthropicError(status: number, type: string, message: string, headers: Record<string, string> = {}) {
  return { status, headers, body: { type: 'error', error: { type, message } } };
}
