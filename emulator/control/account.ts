/**
 * Control API: the account as Twilio's console shows it, and changing it as a person would there — a
 * number's configuration and emergency address, deleting an API key, geographic permissions — plus the
 * deliberately wrong configurations and a wrong clock that set-up and doctor tests start from.
 */
import { AccountRoutes, type AccountDetail, type NumberView } from '../../contracts/emulator/account';
import { CONTROL_API_PREFIX } from '../../contracts/emulator/common';
import type { AccountRegistry, OwnedNumber } from '../account';
import type { Emulator } from '../emulator';
import { apiError, type ControlScope } from './scope';

export function numberView(n: OwnedNumber): NumberView {
  return {
    sid: n.sid,
    phoneNumber: n.phoneNumber,
    voiceApplicationSid: n.voiceApplicationSid ?? null,
    voiceUrl: n.voiceUrl ?? null,
    smsUrl: n.smsUrl ?? null,
    emergencyAddressSid: n.emergencyAddressSid ?? null,
    emergencyAddressStatus: n.emergencyAddressStatus ?? (n.emergencyAddressSid ? 'registered' : 'unregistered'),
  };
}

export function accountDetail(account: AccountRegistry): AccountDetail {
  return {
    accountSid: account.sid,
    friendlyName: account.friendlyName,
    apiKeys: account.apiKeyList().map((k) => ({ sid: k.sid, friendlyName: k.friendlyName ?? '' })),
    applications: account.applicationList().map((a) => ({
      sid: a.sid,
      friendlyName: a.friendlyName ?? '',
      voiceUrl: a.voiceUrl || null,
      voiceMethod: a.voiceMethod ?? 'POST',
      statusCallback: a.statusCallback ?? null,
    })),
    numbers: account.numberList().map(numberView),
    dialingPermissions: account.dialingPermissions.enabledCountries(),
    alerts: account.alerts.list().slice(0, 50).map((a) => ({
      sid: a.sid,
      errorCode: a.errorCode,
      logLevel: a.logLevel,
      requestUrl: a.requestUrl,
      text: new URLSearchParams(a.alertText).get('Msg') ?? a.alertText,
      at: a.dateCreated.toISOString(),
    })),
    clockOffsetSeconds: account.clockOffsetSeconds,
  };
}

export function registerAccountRoutes(api: ControlScope, emulator: Pick<Emulator, 'account'>): void {
  const p = CONTROL_API_PREFIX;
  const { account } = emulator;

  api.get(`${p}/account`, { schema: AccountRoutes.get }, async () => accountDetail(account));

  api.post(`${p}/numbers/:number`, { schema: AccountRoutes.updateNumber }, async (req, reply) => {
    const owned = account.ownedNumber(req.params.number);
    if (!owned) return reply.code(404).send(apiError(404, `${req.params.number} is not a number of this account`));
    const { voiceApplicationSid, voiceUrl, smsUrl, emergencyAddressSid, emergencyAddressStatus } = req.body;
    return numberView(account.updateNumber(owned.sid, {
      ...(voiceApplicationSid !== undefined ? { voiceApplicationSid } : {}),
      ...(voiceUrl !== undefined ? { voiceUrl } : {}),
      ...(smsUrl !== undefined ? { smsUrl } : {}),
      ...(emergencyAddressSid !== undefined ? { emergencyAddressSid } : {}),
      ...(emergencyAddressStatus !== undefined ? { emergencyAddressStatus } : {}),
    }));
  });

  api.delete(`${p}/keys/:sid`, { schema: AccountRoutes.deleteKey }, async (req, reply) => {
    if (!account.removeApiKey(req.params.sid)) return reply.code(404).send(apiError(404, `No API key ${req.params.sid}`));
    return reply.code(204).send(null);
  });

  api.post(`${p}/account/misconfigure`, { schema: AccountRoutes.misconfigure }, async (req) => {
    for (const fault of req.body.faults) account.misconfigure(fault);
    return accountDetail(account);
  });

  api.post(`${p}/account/clock`, { schema: AccountRoutes.clock }, async (req) => {
    account.clockOffsetSeconds = req.body.offsetSeconds;
    return accountDetail(account);
  });

  api.post(`${p}/dialing-permissions/:isoCode`, { schema: AccountRoutes.dialingPermission }, async (req, reply) => {
    if (!account.dialingPermissions.update(req.params.isoCode, { lowRiskNumbersEnabled: req.body.lowRiskNumbersEnabled })) {
      return reply.code(404).send(apiError(404, `No country ${req.params.isoCode}`));
    }
    return accountDetail(account);
  });
}
