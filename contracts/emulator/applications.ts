/** TwiML Apps, changed as a person would in Twilio's console: GET /applications, POST /applications/:sid. */
import { Type, type Static } from 'typebox';
import { ControlError } from './common';

export const VoiceMethod = Type.Union([Type.Literal('POST'), Type.Literal('GET')]);

export const ApplicationView = Type.Object({
  sid: Type.String(),
  voiceUrl: Type.String(),
  voiceMethod: Type.Optional(VoiceMethod),
  statusCallback: Type.Optional(Type.String()),
});
export type ApplicationView = Static<typeof ApplicationView>;

export const ApplicationParams = Type.Object({ sid: Type.String() });
export type ApplicationParams = Static<typeof ApplicationParams>;

/** voiceUrl must be an absolute http(s) URL. */
export const ApplicationUpdate = Type.Object({
  voiceUrl: Type.Optional(Type.String({ errorMessage: 'voiceUrl must be a string' })),
  voiceMethod: Type.Optional(Type.Union([Type.Literal('GET'), Type.Literal('POST')], { errorMessage: 'voiceMethod must be GET or POST' })),
});
export type ApplicationUpdate = Static<typeof ApplicationUpdate>;

export const ApplicationRoutes = {
  list: { response: { 200: Type.Array(ApplicationView) } },
  update: { params: ApplicationParams, body: ApplicationUpdate, response: { 200: ApplicationView, 400: ControlError, 404: ControlError } },
};
