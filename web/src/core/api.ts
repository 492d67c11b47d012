import type { AppConfig, Session, TokenGrant } from './types';

/** An error from our server: `message` is the server's sentence, `code` its machine code. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Api {
  config(): Promise<AppConfig>;
  /** The signed-in user, or null when nobody is. */
  session(): Promise<Session | null>;
  signIn(username: string, password: string): Promise<Session>;
  signOut(): Promise<void>;
  token(): Promise<TokenGrant>;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export function createApi(fetchImpl: Fetch = (input, init) => fetch(input, init)): Api {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetchImpl(path, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ApiError('The server could not be reached. Check your connection.', 0, 'network');
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let data: unknown = undefined;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!response.ok) {
      const err = (data ?? {}) as { error?: unknown; code?: unknown };
      throw new ApiError(
        typeof err.error === 'string' ? err.error : `The server answered ${response.status}.`,
        response.status,
        typeof err.code === 'string' ? err.code : `http_${response.status}`,
      );
    }
    return data as T;
  }

  return {
    config: () => request<AppConfig>('GET', '/api/config'),
    async session() {
      try {
        return await request<Session>('GET', '/api/session');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    signIn: (username, password) => request<Session>('POST', '/api/session', { username, password }),
    // State-changing routes want a JSON body even when there is nothing to say.
    signOut: () => request<void>('DELETE', '/api/session', {}),
    token: () => request<TokenGrant>('POST', '/api/token', {}),
  };
}
