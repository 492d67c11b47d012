import type {
  ErrorBody, ReplyBody, RequestBody, RouteContract, configRoute, currentSessionRoute, signInRoute, signOutRoute, tokenRoute,
} from '../../../contracts/api';
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
  /**
   * Calls one route of the contract R: its method and path are checked against the contract, the body
   * must be what it takes and the answer is what it gives (contracts/api/, types only).
   */
  async function request<R extends RouteContract>(route: Pick<R, 'method' | 'url'>, body: RequestBody<R>): Promise<ReplyBody<R>> {
    let response: Response;
    try {
      response = await fetchImpl(route.url, {
        method: route.method,
        credentials: 'same-origin',
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ApiError('The server could not be reached. Check your connection.', 0, 'network');
    }
    if (response.status === 204) return undefined as ReplyBody<R>;
    const text = await response.text();
    let data: unknown = undefined;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!response.ok) {
      const err = (data ?? {}) as Partial<Record<keyof ErrorBody, unknown>>;
      throw new ApiError(
        typeof err.error === 'string' ? err.error : `The server answered ${response.status}.`,
        response.status,
        typeof err.code === 'string' ? err.code : `http_${response.status}`,
      );
    }
    return data as ReplyBody<R>;
  }

  return {
    config: () => request<typeof configRoute>({ method: 'GET', url: '/api/config' }, undefined),
    async session() {
      try {
        return await request<typeof currentSessionRoute>({ method: 'GET', url: '/api/session' }, undefined);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    signIn: (username, password) => request<typeof signInRoute>({ method: 'POST', url: '/api/session' }, { username, password }),
    signOut: () => request<typeof signOutRoute>({ method: 'DELETE', url: '/api/session' }, undefined),
    // State-changing routes that take a body want JSON even when there is nothing to say.
    token: () => request<typeof tokenRoute>({ method: 'POST', url: '/api/token' }, {}),
  };
}
