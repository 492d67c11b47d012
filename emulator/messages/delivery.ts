/**
 * What becomes of a message the account sends (pure): the statuses it passes through after `queued`,
 * how long after the previous one each comes, and the error code it ends with, by how the
 * destination's carrier treats texts (SmsDelivery).
 */
import type { SmsDelivery } from '../../contracts/emulator/messages';

export type DeliveryStatus = 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface DeliveryStep {
  status: DeliveryStatus;
  afterMs: number;
  errorCode: number | null;
  /** The text is on the handset from this step on. */
  reachesPhone: boolean;
}

export interface DeliveryDelays {
  sending: number;
  sent: number;
  delivered: number;
}

export const DEFAULT_DELIVERY_DELAYS: DeliveryDelays = { sending: 50, sent: 150, delivered: 300 };

/** The error code each non-delivering carrier behaviour ends with. */
export const DELIVERY_ERRORS: Record<Exclude<SmsDelivery, 'delivered' | 'unconfirmed'>, number> = {
  unreachable: 30003,
  landline: 30006,
  unregistered: 30034,
};

export function deliveryPlan(delivery: SmsDelivery, delays: DeliveryDelays): DeliveryStep[] {
  const step = (status: DeliveryStatus, afterMs: number, errorCode: number | null = null, reachesPhone = false): DeliveryStep =>
    ({ status, afterMs, errorCode, reachesPhone });
  const sending = step('sending', delays.sending);
  switch (delivery) {
    case 'delivered':
      return [sending, step('sent', delays.sent), step('delivered', delays.delivered, null, true)];
    case 'unconfirmed':
      return [sending, step('sent', delays.sent, null, true)];
    case 'unreachable':
      return [sending, step('sent', delays.sent), step('undelivered', delays.delivered, DELIVERY_ERRORS.unreachable)];
    case 'landline':
      return [sending, step('failed', delays.sent, DELIVERY_ERRORS.landline)];
    case 'unregistered':
      return [sending, step('failed', delays.sent, DELIVERY_ERRORS.unregistered)];
  }
}
