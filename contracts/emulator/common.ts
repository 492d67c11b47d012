/**
 * Pieces every emulator control API contract uses. A schema and the type derived from it share one
 * name, so `import { PhoneView } from …` gives the runtime schema and `import type { PhoneView }` the
 * TypeScript type.
 *
 * `errorMessage` on a request field is the sentence a refused request answers with (see
 * emulator/control/validation.ts): a person reads it in the console.
 */
import { Type, type Static, type TSchema } from 'typebox';

/** Where the control API lives on the emulator's origin. */
export const CONTROL_API_PREFIX = '/emulator/api';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A phone number in E.164 form, like +12025550199. */
export const E164_PATTERN = '^\\+[1-9]\\d{6,14}$';

/**
 * Every refused or failed control request: 404 not_found, 409 conflict, a 5xx internal (the emulator's
 * own failure, detailed in its log), any other status bad_request.
 */
export const ControlError = Type.Object({
  error: Type.String(),
  code: Type.Union([Type.Literal('not_found'), Type.Literal('conflict'), Type.Literal('bad_request'), Type.Literal('internal')]),
});
export type ControlError = Static<typeof ControlError>;

export const controlErrorCode = (status: number): ControlError['code'] =>
  status === 404 ? 'not_found' : status === 409 ? 'conflict' : status >= 500 ? 'internal' : 'bad_request';
