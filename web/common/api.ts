/** A small typed client for /api/v1: bearer token, JSON in and out, the one error shape as ApiError. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path?: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export class Api {
  constructor(private token: string | null = null) {}

  setToken(token: string | null): void {
    this.token = token;
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    return this.send<T>(method, path, body === undefined ? undefined : JSON.stringify(body), { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  }

  /** A file as it is (an import), with its content type. */
  upload<T>(path: string, file: Blob, contentType: string): Promise<T> {
    return this.send<T>('POST', path, file, { 'content-type': contentType });
  }

  private async send<T>(method: string, path: string, body: BodyInit | undefined, headers: Record<string, string>): Promise<T> {
    const response = await fetch(`/api/v1${path}`, {
      method,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...headers },
      body,
    });
    const text = await response.text();
    const payload = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const error = payload?.error ?? { code: 'http_error', message: `HTTP ${response.status}`, details: [] };
      const detail = error.details?.map((d: { path?: string; message: string }) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
      throw new ApiError(response.status, error.code, detail ? `${error.message} (${detail})` : error.message, error.details);
    }
    return payload as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  /** Every item of a paged list (`{ items, nextCursor }`), 500 a request. */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: { items: T[]; nextCursor: string | null } = await this.get(`${path}${separator}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }
}
