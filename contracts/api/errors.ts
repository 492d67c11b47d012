/** The one error shape of the JSON API: `{ error: <a sentence for a person>, code: <machine code> }`. */
import { Type } from 'typebox';
import type { Static } from 'typebox';

export const ErrorBody = Type.Object({
  error: Type.String({ description: 'What went wrong, in a sentence a person can act on.' }),
  code: Type.String({ description: 'A stable machine code, e.g. bad_request, signed_out, rate_limited.' }),
});
export type ErrorBody = Static<typeof ErrorBody>;

/** The error body, described for one status: what it means and which codes it carries. */
export function errorReply(description: string) {
  return Type.Object(ErrorBody.properties, { description });
}

/** Answers every JSON route may give besides its own. */
export const COMMON_ERRORS = {
  500: errorReply('Something failed on the server (internal).'),
} as const;

/** Answers every state-changing route may give: the cross-site checks. */
export const STATE_CHANGE_ERRORS = {
  403: errorReply('The request came from another site (cross_site).'),
  ...COMMON_ERRORS,
} as const;

/** Answers every route that takes a JSON body may give besides those above. */
export const JSON_BODY_ERRORS = {
  413: errorReply('The request body is too large (body_too_large).'),
  415: errorReply('The body is not JSON (json_required): forms from other sites cannot send JSON.'),
  ...STATE_CHANGE_ERRORS,
} as const;
