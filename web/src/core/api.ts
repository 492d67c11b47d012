import type {
  ClickToCallProgress, clickToCallHangupRoute, clickToCallRoute, personalNumberRoute, setPersonalNumberRoute,
} from '../../../contracts/api/click-to-call';
import type {
  Availability, CallList, CallListQuery, ConversationList, ErrorBody, MessageList, Presence, PresenceList, ReplyBody, RequestBody, RouteContract,
  SentMessage, Unseen, callListRoute, callsSeenRoute, configRoute, conversationListRoute, conversationMessagesRoute, conversationReadRoute,
  currentSessionRoute, presenceListRoute, sendMessageRoute, setAvailabilityRoute, signInRoute, signOutRoute, tokenRoute, unseenRoute, Voicemail, VoicemailDeleted, VoicemailList, voicemailDeleteRoute, voicemailHeardRoute, voicemailListRoute, voicemailRestoreRoute,
} from '../../../contracts/api';
import type {
  LiveCall, LiveCallList, TransferRequest, addPartyRoute, cancelTransferRoute, completeTransferRoute, hangUpParkedRoute, holdRoute, liveCallListRoute, parkRoute, resumeRoute, transferRoute, unparkRoute,
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
  /** A page of the call history, newest first. */
  calls(query: CallListQuery): Promise<CallList>;
  /** Marks missed calls seen up to `upTo` (ISO time; default: now) on every device; the new counts. */
  markCallsSeen(upTo?: string): Promise<Unseen>;
  unseen(): Promise<Unseen>;
  presence(): Promise<PresenceList>;
  setAvailability(availability: Availability): Promise<Presence>;
  /** The team's text conversations, as the signed-in user sees them (own unread counts). */
  conversations(): Promise<ConversationList>;
  /** A page of a conversation's messages, newest first; `before` is the previous page's nextCursor. */
  conversationMessages(id: string, before?: string): Promise<MessageList>;
  markConversationRead(id: string): Promise<Unseen>;
  sendMessage(to: string, body: string): Promise<SentMessage>;
  voicemails(): Promise<VoicemailList>;
  /** Marks a voicemail heard by the signed-in user, on every device; the voicemail as it now is. */
  markVoicemailHeard(id: string): Promise<Voicemail>;
  /** Deletes it for the whole team; it can be restored until `restorableUntil`. */
  deleteVoicemail(id: string): Promise<VoicemailDeleted>;
  restoreVoicemail(id: string): Promise<Voicemail>;
  /** "Call via my phone": the signed-in user's own number (null: none kept). */
  personalNumber(): Promise<string | null>;
  setPersonalNumber(personalNumber: string | null): Promise<string | null>;
  /** Rings the user's own phone, which then calls `to` once they press 1. */
  clickToCall(to: string): Promise<ClickToCallProgress>;
  hangUpClickToCall(callSid: string): Promise<void>;
  /** The calls the signed-in user is in, with their parties and the CallSids of their own legs. */
  liveCalls(): Promise<LiveCallList>;
  /** Call control by history id; each answers the call as it now is. */
  holdCall(id: string): Promise<LiveCall>;
  resumeCall(id: string): Promise<LiveCall>;
  transferCall(id: string, to: string, mode: TransferRequest['mode']): Promise<LiveCall>;
  completeTransfer(id: string): Promise<LiveCall>;
  cancelTransfer(id: string): Promise<LiveCall>;
  addParty(id: string, to: string): Promise<LiveCall>;
  /** Lets this person's leg leave a held call without ending it (call waiting's Hold & accept, Swap). */
  parkCall(id: string): Promise<LiveCall>;
  /** Rings this person back into a call they parked (with RESUME_PARAM), or resumes it if their leg is still there. */
  unparkCall(id: string): Promise<LiveCall>;
  /** Leaves a call this person parked (it has no leg here to hang up). */
  hangUpParked(id: string): Promise<LiveCall>;
}

/** A call-control route's path with the history id filled in. */
const callPath = <U extends string>(id: string, tail: string) => `/api/calls/${encodeURIComponent(id)}${tail}` as U;

/** Where the browser plays a voicemail from: this server's proxy, never Twilio. */
export const voicemailAudioUrl = (id: string) => `/api/voicemails/${encodeURIComponent(id)}/audio`;

/** The query string of a GET: only the parameters that are set. */
export function queryString(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export function createApi(fetchImpl: Fetch = (input, init) => fetch(input, init)): Api {
  /**
   * Calls one route of the contract R: its method and path are checked against the contract, the body
   * must be what it takes and the answer is what it gives (contracts/api/, types only).
   */
  async function request<R extends RouteContract>(route: Pick<R, 'method' | 'url'>, body: RequestBody<R>, query = ''): Promise<ReplyBody<R>> {
    let response: Response;
    // The server takes state changes only as JSON (server/plugins/csrf.ts), so a POST with nothing to say sends {}.
    const payload = body === undefined && route.method === 'POST' ? {} : body;
    try {
      response = await fetchImpl(route.url + query, {
        method: route.method,
        credentials: 'same-origin',
        headers: payload === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: payload === undefined ? undefined : JSON.stringify(payload),
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
    calls: (query) => request<typeof callListRoute>({ method: 'GET', url: '/api/calls' }, undefined, queryString({ ...query })),
    markCallsSeen: (upTo) => request<typeof callsSeenRoute>({ method: 'POST', url: '/api/calls/seen' }, upTo === undefined ? {} : { upTo }),
    unseen: () => request<typeof unseenRoute>({ method: 'GET', url: '/api/unseen' }, undefined),
    presence: () => request<typeof presenceListRoute>({ method: 'GET', url: '/api/presence' }, undefined),
    setAvailability: (availability) => request<typeof setAvailabilityRoute>({ method: 'PUT', url: '/api/presence/me' }, { availability }),
    conversations: () => request<typeof conversationListRoute>({ method: 'GET', url: '/api/conversations' }, undefined),
    // The contract's path has `:id`; the request fills it in.
    conversationMessages: (id, before) =>
      request<typeof conversationMessagesRoute>({ method: 'GET', url: `/api/conversations/${encodeURIComponent(id)}/messages` as '/api/conversations/:id/messages' }, undefined, queryString({ before })),
    markConversationRead: (id) =>
      request<typeof conversationReadRoute>({ method: 'POST', url: `/api/conversations/${encodeURIComponent(id)}/read` as '/api/conversations/:id/read' }, undefined),
    sendMessage: (to, body) => request<typeof sendMessageRoute>({ method: 'POST', url: '/api/messages' }, { to, body }),
    voicemails: () => request<typeof voicemailListRoute>({ method: 'GET', url: '/api/voicemails' }, undefined),
    markVoicemailHeard: (id) =>
      request<typeof voicemailHeardRoute>({ method: 'POST', url: `/api/voicemails/${encodeURIComponent(id)}/heard` as '/api/voicemails/:id/heard' }, {}),
    deleteVoicemail: (id) => request<typeof voicemailDeleteRoute>({ method: 'DELETE', url: `/api/voicemails/${encodeURIComponent(id)}` as '/api/voicemails/:id' }, undefined),
    restoreVoicemail: (id) =>
      request<typeof voicemailRestoreRoute>({ method: 'POST', url: `/api/voicemails/${encodeURIComponent(id)}/restore` as '/api/voicemails/:id/restore' }, {}),
    personalNumber: async () => (await request<typeof personalNumberRoute>({ method: 'GET', url: '/api/me/personal-number' }, undefined)).personalNumber,
    setPersonalNumber: async (personalNumber) =>
      (await request<typeof setPersonalNumberRoute>({ method: 'PUT', url: '/api/me/personal-number' }, { personalNumber })).personalNumber,
    clickToCall: (to) => request<typeof clickToCallRoute>({ method: 'POST', url: '/api/click-to-call' }, { to }),
    hangUpClickToCall: async (callSid) => {
      await request<typeof clickToCallHangupRoute>({ method: 'POST', url: `/api/click-to-call/${encodeURIComponent(callSid)}/hangup` as '/api/click-to-call/:sid/hangup' }, {});
    },
    liveCalls: () => request<typeof liveCallListRoute>({ method: 'GET', url: '/api/calls/live' }, undefined),
    holdCall: (id) => request<typeof holdRoute>({ method: 'POST', url: callPath(id, '/hold') }, undefined),
    resumeCall: (id) => request<typeof resumeRoute>({ method: 'POST', url: callPath(id, '/resume') }, undefined),
    transferCall: (id, to, mode) => request<typeof transferRoute>({ method: 'POST', url: callPath(id, '/transfer') }, { to, mode }),
    completeTransfer: (id) => request<typeof completeTransferRoute>({ method: 'POST', url: callPath(id, '/transfer/complete') }, undefined),
    cancelTransfer: (id) => request<typeof cancelTransferRoute>({ method: 'POST', url: callPath(id, '/transfer/cancel') }, undefined),
    addParty: (id, to) => request<typeof addPartyRoute>({ method: 'POST', url: callPath(id, '/add') }, { to }),
    parkCall: (id) => request<typeof parkRoute>({ method: 'POST', url: callPath(id, '/park') }, undefined),
    unparkCall: (id) => request<typeof unparkRoute>({ method: 'POST', url: callPath(id, '/unpark') }, undefined),
    hangUpParked: (id) => request<typeof hangUpParkedRoute>({ method: 'POST', url: callPath(id, '/hangup') }, undefined),
  };
}
