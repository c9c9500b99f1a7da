// The one HTTP client of the web app: same-origin fetch with the session
// cookie, JSON in and out, and the error envelope turned into ApiError.

export interface FieldIssue {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field-level problems: details.issues[], or details.field for single-field errors. */
  get issues(): FieldIssue[] {
    const d = this.details as { issues?: unknown; field?: unknown } | undefined;
    if (d && Array.isArray(d.issues)) {
      return d.issues.filter((i): i is FieldIssue => !!i && typeof (i as FieldIssue).field === 'string' && typeof (i as FieldIssue).message === 'string');
    }
    if (d && typeof d.field === 'string' && d.field) return [{ field: d.field, message: this.message }];
    return [];
  }
}

export const NETWORK_ERROR_MESSAGE = '无法连接服务器，请检查网络后重试';

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * What to do when the session is missing or expired. Resolves true when the
 * user signed in again in place (the request is then sent once more, so a
 * filled form is saved and nothing typed is lost); false sends them to /login.
 */
type UnauthorizedHandler = (code: 'UNAUTHENTICATED' | 'SESSION_EXPIRED') => Promise<boolean>;
let onUnauthorized: UnauthorizedHandler | null = null;

/** The app registers what to do when the session is missing or expired. */
export function setUnauthorizedHandler(fn: UnauthorizedHandler | null) {
  onUnauthorized = fn;
}

async function toApiError(res: Response): Promise<ApiError> {
  const body: unknown = await res.json().catch(() => null);
  const e = (body as { error?: { code?: string; message?: string; requestId?: string; details?: unknown } } | null)?.error;
  if (e && typeof e.code === 'string') return new ApiError(res.status, e.code, e.message || '请求失败，请稍后重试', e.requestId ?? null, e.details);
  const message = res.status >= 500 ? '服务器暂时无法处理请求，请稍后重试' : `请求失败（${res.status}），请刷新页面后重试`;
  return new ApiError(res.status, res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST', message, res.headers.get('x-request-id'));
}

async function send(method: string, path: string, init: { query?: Query; json?: unknown; form?: FormData } = {}, again = true): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const body: BodyInit | undefined = init.json !== undefined ? JSON.stringify(init.json) : init.form;
  let res: Response;
  try {
    res = await fetch(buildUrl(path, init.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', NETWORK_ERROR_MESSAGE);
  }
  if (!res.ok) {
    const err = await toApiError(res);
    if (res.status === 401 && (err.code === 'UNAUTHENTICATED' || err.code === 'SESSION_EXPIRED') && onUnauthorized) {
      if (again && (await onUnauthorized(err.code))) return send(method, path, init, false);
    }
    throw err;
  }
  return res;
}

async function json<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** File name from Content-Disposition (RFC 5987 filename* first). */
export function fileNameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      /* fall through */
    }
  }
  const plain = /filename="([^"]+)"/i.exec(cd);
  return plain ? plain[1] : fallback;
}

/** Saves a blob as a file through a temporary link. */
export function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const api = {
  get: async <T>(path: string, query?: Query) => json<T>(await send('GET', path, { query })),
  post: async <T>(path: string, body: unknown = {}, query?: Query) => json<T>(await send('POST', path, { json: body, query })),
  patch: async <T>(path: string, body: unknown) => json<T>(await send('PATCH', path, { json: body })),
  put: async <T>(path: string, body: unknown) => json<T>(await send('PUT', path, { json: body })),
  del: async <T>(path: string) => json<T>(await send('DELETE', path)),
  /** multipart upload with the file in field "file" */
  upload: async <T>(path: string, file: Blob, fileName: string, query?: Query, fields: Record<string, string> = {}) => {
    const form = new FormData();
    // text fields first: the server reads them before the file part
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', file, fileName);
    return json<T>(await send('POST', path, { form, query }));
  },
  /** Downloads a file (errors arrive as ApiError) and saves it; with a body, by POST (a file made from what the page sends). */
  download: async (path: string, query: Query | undefined, fallbackName: string, body?: unknown) => {
    const res = body === undefined ? await send('GET', path, { query }) : await send('POST', path, { query, json: body });
    const blob = await res.blob();
    const name = fileNameOf(res, fallbackName);
    saveBlob(blob, name);
    return name;
  },
};

/** A message for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error && e.message) return e.message;
  return '操作失败，请稍后重试';
}
