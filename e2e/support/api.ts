/** Seeding and checking through the HTTP API only, as any client would. */
export interface ApiUser {
  email: string;
  password: string;
  id: string;
  token: string;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const r = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async ok<T = unknown>(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<T> {
    const r = await this.request<T>(method, path, opts);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** Registers (the first account on a server becomes admin) and signs in. */
  async createUser(email: string, password = 'correct horse battery'): Promise<ApiUser> {
    const reg = await this.ok<{ id: string }>('POST', '/api/auth/register', { body: { email, password } });
    const token = await this.login(email, password);
    return { email, password, id: reg.id, token };
  }

  async login(email: string, password: string): Promise<string> {
    const r = await this.ok<{ access_token?: string }>('POST', '/api/auth/login', { body: { email, password } });
    if (!r.access_token) throw new Error(`login of ${email} asked for a second factor`);
    return r.access_token;
  }

  quota(token: string) {
    return this.ok<{ used_bytes: number; limit_bytes: number }>('GET', '/api/auth/me/quota', { token });
  }

  documents(token: string, query = '') {
    return this.ok<{
      items: Array<{ id: string; filename: string; status: string; size_bytes: number; topics: Array<{ name: string }> }>;
      total: number;
    }>('GET', `/api/documents${query}`, { token });
  }

  setLimit(adminToken: string, userId: string, limitBytes: number) {
    return this.ok('PATCH', `/api/admin/users/${userId}`, { token: adminToken, body: { limit_bytes: limitBytes } });
  }

  /** The three upload steps, as any API client does them. */
  async uploadDocument(token: string, name: string, text: string, contentType = 'text/plain'): Promise<{ id: string }> {
    const bytes = Buffer.from(text, 'utf8');
    const ticket = await this.ok<{ upload_url: string; document_id: string; upload_headers?: Record<string, string> }>(
      'POST',
      '/api/documents/upload-url',
      { token, body: { filename: name, content_type: contentType, size_bytes: bytes.length } },
    );
    const put = await fetch(new URL(ticket.upload_url, this.baseUrl), {
      method: 'PUT',
      headers: ticket.upload_headers ?? { 'content-type': contentType },
      body: bytes,
    });
    if (!put.ok) throw new Error(`PUT ${name} → ${put.status}`);
    await this.ok('POST', `/api/documents/${ticket.document_id}/confirm`, { token });
    return { id: ticket.document_id };
  }

  createTopic(token: string, name: string, description?: string) {
    return this.ok<{ id: string; name: string }>('POST', '/api/topics', { token, body: { name, description } });
  }
}
