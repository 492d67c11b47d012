/**
 * Where a transfer or an added person may go: exactly the rules for dialing (allowed countries, no premium
 * numbers, known colleagues, no emergency numbers from here), by asking decide.ts what it would do if the
 * user dialed the target themselves.
 */
import { decideVoice } from '../voice/decide';
import type { VoiceContext } from '../voice/decide';
import type { Target } from './plan';

export type TargetCheck = { ok: true; target: Target } | { ok: false; code: 'bad_request' | 'not_allowed' | 'unknown_user'; message: string };

export function checkTarget(user: string, to: string, ctx: VoiceContext): TargetCheck {
  const decision = decideVoice({ From: `client:${user}`, To: to }, ctx);
  switch (decision.kind) {
    case 'dial-client':
      return { ok: true, target: { kind: 'user', name: decision.identity } };
    case 'dial-number':
      return { ok: true, target: { kind: 'phone', name: decision.number } };
    case 'dial-emergency':
      return { ok: false, code: 'not_allowed', message: 'Emergency numbers cannot be transferred to or added; they are dialed directly.' };
    case 'refuse':
      if (decision.reason === 'unknown-user') return { ok: false, code: 'unknown_user', message: decision.message };
      if (decision.reason === 'invalid' || decision.reason === 'empty' || decision.reason === 'self') return { ok: false, code: 'bad_request', message: decision.message };
      return { ok: false, code: 'not_allowed', message: decision.message };
    default:
      return { ok: false, code: 'bad_request', message: 'Not a colleague or a phone number.' };
  }
}
