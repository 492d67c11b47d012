/**
 * The account's debugger alerts (Monitor Alerts in Twilio): what went wrong with a webhook, recorded when
 * it happens (11200 HTTP retrieval failure, 11205 connection failure, 12100 document parse failure, …)
 * so that `GET /v1/Alerts` shows it, as Twilio's console and API do.
 */
import type { WebhookClient } from './calls/webhook';
import { newSid } from './sid';

export interface AlertRecord {
  sid: string;
  accountSid: string;
  errorCode: string;
  logLevel: 'error' | 'warning';
  /** URL-encoded like Twilio's: Msg=…&ErrorCode=…&url=… */
  alertText: string;
  requestUrl: string | null;
  requestMethod: string | null;
  /** The call or message the alert is about. */
  resourceSid: string | null;
  dateCreated: Date;
}

export interface AlertInput {
  errorCode: number;
  message: string;
  url?: string;
  method?: string;
  resourceSid?: string;
  logLevel?: AlertRecord['logLevel'];
}

const MAX_KEPT = 1000;

export class AlertLog {
  /** Oldest first. */
  private readonly alerts: AlertRecord[] = [];

  constructor(private readonly accountSid: string) {}

  record(input: AlertInput): AlertRecord {
    const text = new URLSearchParams({ Msg: input.message, ErrorCode: String(input.errorCode), ...(input.url ? { url: input.url } : {}) });
    const alert: AlertRecord = {
      sid: newSid('NO'),
      accountSid: this.accountSid,
      errorCode: String(input.errorCode),
      logLevel: input.logLevel ?? 'error',
      alertText: text.toString(),
      requestUrl: input.url ?? null,
      requestMethod: input.method ?? null,
      resourceSid: input.resourceSid ?? null,
      dateCreated: new Date(),
    };
    this.alerts.push(alert);
    if (this.alerts.length > MAX_KEPT) this.alerts.shift();
    return alert;
  }

  get(sid: string): AlertRecord | undefined {
    return this.alerts.find((a) => a.sid === sid);
  }

  /** Newest first, as Twilio lists them. */
  list(filter: { logLevel?: string; start?: Date; end?: Date } = {}): AlertRecord[] {
    return this.alerts
      .filter((a) => (filter.logLevel === undefined || a.logLevel === filter.logLevel)
        && (filter.start === undefined || a.dateCreated >= filter.start)
        && (filter.end === undefined || a.dateCreated <= filter.end))
      .reverse();
  }
}

/** The account's webhooks, with every failure recorded as an alert on the way back. */
export function alertingWebhooks(client: WebhookClient, alerts: Pick<AlertLog, 'record'>): WebhookClient {
  return {
    resolveUrl: (url, base) => client.resolveUrl(url, base),
    async request(req) {
      const result = await client.request(req);
      if (!result.ok) {
        const resourceSid = req.params.CallSid ?? req.params.MessageSid;
        alerts.record({ errorCode: result.code, message: result.message, url: result.url, method: req.method, ...(resourceSid ? { resourceSid } : {}) });
      }
      return result;
    },
  };
}
