/** Monitor Alerts (GET https://monitor.twilio.com/v1/Alerts): the account's debugger alerts, newest first. */
import type { FastifyInstance } from 'fastify';
import type { AlertRecord } from '../alerts';
import type { Emulator } from '../emulator';
import { fail, notFound, pageOf, type Query } from './form';
import { v1PageJson } from './shapes';

const LIST_URL = 'https://monitor.twilio.com/v1/Alerts';

export function alertJson(a: AlertRecord, detail = false): Record<string, unknown> {
  const at = a.dateCreated.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    account_sid: a.accountSid,
    alert_text: a.alertText,
    api_version: '2010-04-01',
    date_created: at,
    date_generated: at,
    date_updated: at,
    error_code: a.errorCode,
    log_level: a.logLevel,
    more_info: `https://www.twilio.com/docs/errors/${a.errorCode}`,
    request_method: a.requestMethod,
    request_url: a.requestUrl,
    resource_sid: a.resourceSid,
    sid: a.sid,
    url: `${LIST_URL}/${a.sid}`,
    service_sid: null,
    // Only a single alert carries the request and response details.
    ...(detail ? { request_variables: '', response_body: '', response_headers: '', request_headers: null } : {}),
  };
}

function date(raw: string | undefined): Date | undefined | null {
  if (raw === undefined) return undefined;
  const d = new Date(raw);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function registerAlertResources(app: FastifyInstance, emulator: Pick<Emulator, 'account'>): void {
  const { alerts } = emulator.account;

  app.get<{ Querystring: Query }>('/v1/Alerts', async (req, reply) => {
    const { page, pageSize } = pageOf(req.query);
    const start = date(req.query.StartDate);
    const end = date(req.query.EndDate);
    if (start === null || end === null) return fail(reply, 400, 20001, 'StartDate and EndDate must be ISO 8601 dates');
    const list = alerts.list({
      ...(req.query.LogLevel !== undefined ? { logLevel: req.query.LogLevel } : {}),
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
    });
    const slice = list.slice(page * pageSize, (page + 1) * pageSize);
    return v1PageJson('alerts', slice.map((a) => alertJson(a)), LIST_URL, page, pageSize, list.length > (page + 1) * pageSize);
  });

  app.get<{ Params: { Sid: string } }>('/v1/Alerts/:Sid', async (req, reply) => {
    const alert = alerts.get(req.params.Sid);
    return alert ? alertJson(alert, true) : notFound(req, reply);
  });
}
