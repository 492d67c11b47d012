/** GET /api/config: what the page needs to start a Device. Public by design: nothing secret goes here. */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { COMMON_ERRORS } from './errors';
import { OPEN, defineRoute } from './route';

/** Options passed to `new Twilio.Device()`; empty against real Twilio. */
export const DeviceOptions = Type.Object(
  {
    chunderw: Type.Optional(Type.String({ description: 'host:port of the signaling gateway (local mode).' })),
    publishEvents: Type.Optional(Type.Boolean({ description: 'false: no insights uploads (local mode).' })),
    sounds: Type.Optional(
      Type.Record(Type.String(), Type.String({ description: 'URL of the sound on this server.' }), {
        description: 'Ringtones and key tones served by this server instead of a CDN.',
      }),
    ),
  },
  { description: 'Extra options for the Voice SDK Device.' },
);
export type DeviceOptions = Static<typeof DeviceOptions>;

export const PublicConfig = Type.Object(
  {
    mode: Type.Enum(['local', 'twilio'], { description: 'local: the built-in stand-in for Twilio; twilio: a real account.' }),
    teamNumber: Type.String({ description: "The team's phone number in E.164; the caller ID of outgoing calls." }),
    defaultCountry: Type.String({ description: 'ISO 3166 country for numbers dialled without a + prefix.' }),
    dialAllowedCountries: Type.Array(Type.String(), { description: 'ISO 3166 countries that may be dialled.' }),
    deviceOptions: DeviceOptions,
    emergency: Type.Optional(
      Type.Object(
        {
          calling: Type.Boolean({ description: 'true: this phone dials emergency numbers; false: the dial pad says to use another phone.' }),
          numbers: Type.Array(Type.String(), { description: "Emergency numbers for the team number's country (always 112 and 911)." }),
        },
        { description: 'Emergency numbers, and whether this phone dials them.' },
      ),
    ),
  },
  { description: 'What the page needs to start a Device.' },
);
export type PublicConfig = Static<typeof PublicConfig>;

export const configRoute = defineRoute({
  method: 'GET',
  url: '/api/config',
  schema: {
    summary: 'Public configuration',
    tags: ['Config'],
    security: OPEN,
    response: { 200: PublicConfig, ...COMMON_ERRORS },
  },
});
