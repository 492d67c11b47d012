import type { TransferOffer } from '../core/call-control';
import { t } from '../i18n';

/** Why a call rings: a colleague transferring someone, or one's own transfer that nobody answered. */
export function offerText(offer: TransferOffer, caller: string): string {
  return offer.by ? t('incoming.transfer', { by: offer.by, name: caller }) : t('incoming.recalled', { name: offer.recalledFrom ?? '' });
}
