/** REST Accounts: fetch the account (GET Accounts/{Sid}.json), which is how a client checks its credentials. */
import type { FastifyInstance } from 'fastify';
import type { AccountRegistry } from '../account';
import type { Emulator } from '../emulator';
import type { AccountParams } from './form';
import { rfc2822 } from './shapes';

export function accountJson(account: AccountRegistry): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${account.sid}.json`;
  const sub = (name: string) => `/2010-04-01/Accounts/${account.sid}/${name}.json`;
  return {
    auth_token: account.credentials.authToken,
    date_created: rfc2822(account.createdAt),
    date_updated: rfc2822(account.createdAt),
    friendly_name: account.friendlyName,
    owner_account_sid: account.sid,
    sid: account.sid,
    status: 'active',
    subresource_uris: {
      applications: sub('Applications'),
      calls: sub('Calls'),
      incoming_phone_numbers: sub('IncomingPhoneNumbers'),
      keys: sub('Keys'),
      messages: sub('Messages'),
    },
    type: 'Full',
    uri,
  };
}

export function registerAccountResources(app: FastifyInstance, emulator: Pick<Emulator, 'account'>): void {
  app.get<{ Params: AccountParams }>('/2010-04-01/Accounts/:AccountSid.json', async () => accountJson(emulator.account));
}
