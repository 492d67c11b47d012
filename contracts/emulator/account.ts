/**
 * The account as Twilio's console shows it (GET /account), and changing it as a person would there:
 * a number's voice and messaging configuration and emergency address (POST /numbers/:number), deleting an
 * API key (DELETE /keys/:sid), the voice geographic permissions (POST /dialing-permissions/:isoCode),
 * deliberately wrong configurations (POST /account/misconfigure) and a wrong clock (POST /account/clock).
 */
import { Type, type Static } from 'typebox';
import { ControlError, Nullable } from './common';

/**
 * Wrong configurations a person ends up with, applied at start (EmulatorOptions.misconfigure,
 * EMULATOR_MISCONFIGURE) or at run time:
 * - number-elsewhere: every number's voice goes to Twilio's demo URL instead of the TwiML App;
 * - wrong-voice-url: every TwiML App's Voice URL points at an old address;
 * - no-status-callback: no TwiML App has a Status Callback URL (calls nobody answers leave no trace);
 * - deleted-key: every API key is deleted (tokens they signed are refused);
 * - no-emergency-address: no number has an emergency address;
 * - country-disabled: no country may be called (voice geographic permissions all off).
 */
export const Misconfiguration = Type.Union([
  Type.Literal('number-elsewhere'),
  Type.Literal('wrong-voice-url'),
  Type.Literal('no-status-callback'),
  Type.Literal('deleted-key'),
  Type.Literal('no-emergency-address'),
  Type.Literal('country-disabled'),
]);
export type Misconfiguration = Static<typeof Misconfiguration>;
export const MISCONFIGURATIONS: readonly Misconfiguration[] = ['number-elsewhere', 'wrong-voice-url', 'no-status-callback', 'deleted-key', 'no-emergency-address', 'country-disabled'];

export const EmergencyAddressStatus = Type.Union([
  Type.Literal('registered'),
  Type.Literal('unregistered'),
  Type.Literal('pending-registration'),
  Type.Literal('registration-failure'),
  Type.Literal('pending-unregistration'),
  Type.Literal('unregistration-failure'),
]);

export const NumberView = Type.Object({
  sid: Type.String(),
  phoneNumber: Type.String(),
  voiceApplicationSid: Nullable(Type.String()),
  voiceUrl: Nullable(Type.String()),
  smsUrl: Nullable(Type.String()),
  emergencyAddressSid: Nullable(Type.String()),
  emergencyAddressStatus: EmergencyAddressStatus,
});
export type NumberView = Static<typeof NumberView>;

export const AlertView = Type.Object({
  sid: Type.String(),
  errorCode: Type.String(),
  logLevel: Type.String(),
  requestUrl: Nullable(Type.String()),
  text: Type.String(),
  at: Type.String(),
});
export type AlertView = Static<typeof AlertView>;

/** Everything but secrets. */
export const AccountDetail = Type.Object({
  accountSid: Type.String(),
  friendlyName: Type.String(),
  apiKeys: Type.Array(Type.Object({ sid: Type.String(), friendlyName: Type.String() })),
  applications: Type.Array(Type.Object({
    sid: Type.String(),
    friendlyName: Type.String(),
    voiceUrl: Nullable(Type.String()),
    voiceMethod: Type.String(),
    statusCallback: Nullable(Type.String()),
  })),
  numbers: Type.Array(NumberView),
  /** Countries whose low-risk numbers may be called. */
  dialingPermissions: Type.Array(Type.String()),
  alerts: Type.Array(AlertView),
  clockOffsetSeconds: Type.Number(),
});
export type AccountDetail = Static<typeof AccountDetail>;

const UrlOrNull = (name: string) => Type.Optional(Nullable(Type.String({ errorMessage: `${name} must be an absolute http(s) URL or null` })));

export const NumberUpdate = Type.Object({
  voiceApplicationSid: Type.Optional(Nullable(Type.String({ errorMessage: 'voiceApplicationSid must be a TwiML App SID or null' }))),
  voiceUrl: UrlOrNull('voiceUrl'),
  smsUrl: UrlOrNull('smsUrl'),
  emergencyAddressSid: Type.Optional(Nullable(Type.String({ pattern: '^AD[0-9a-f]{32}$', errorMessage: 'emergencyAddressSid must be AD followed by 32 hex digits, or null' }))),
  emergencyAddressStatus: Type.Optional(EmergencyAddressStatus),
});
export type NumberUpdate = Static<typeof NumberUpdate>;

export const NumberParams = Type.Object({ number: Type.String() });
export const KeyParams = Type.Object({ sid: Type.String() });
export const CountryParams = Type.Object({ isoCode: Type.String() });

export const MisconfigureRequest = Type.Object({
  faults: Type.Array(Misconfiguration, { minItems: 1, errorMessage: `faults must list one or more of ${MISCONFIGURATIONS.join(', ')}` }),
});
export type MisconfigureRequest = Static<typeof MisconfigureRequest>;

export const ClockRequest = Type.Object({
  offsetSeconds: Type.Number({ minimum: -86_400, maximum: 86_400, errorMessage: 'offsetSeconds must be a number of seconds from -86400 to 86400' }),
});

export const CountryPermissionUpdate = Type.Object({
  lowRiskNumbersEnabled: Type.Boolean({ errorMessage: 'lowRiskNumbersEnabled must be true or false' }),
});

export const AccountRoutes = {
  get: { response: { 200: AccountDetail } },
  updateNumber: { params: NumberParams, body: NumberUpdate, response: { 200: NumberView, 400: ControlError, 404: ControlError } },
  deleteKey: { params: KeyParams, response: { 204: Type.Null(), 404: ControlError } },
  misconfigure: { body: MisconfigureRequest, response: { 200: AccountDetail, 400: ControlError } },
  clock: { body: ClockRequest, response: { 200: AccountDetail, 400: ControlError } },
  dialingPermission: { params: CountryParams, body: CountryPermissionUpdate, response: { 200: AccountDetail, 400: ControlError, 404: ControlError } },
};
