/**
 * What the Twilio account must look like for this server (pure): the TwiML App's Voice URL and Status
 * Callback URL, the number's voice and messaging configuration, the names set-up gives what it creates.
 * Set-up makes the account so; doctor and the start-up checks compare the account with it.
 */
import { webhookUrls } from '../voice/twiml';

/**
 * Whether the number's messaging URL is configured and checked: this server answers /handle_sms. Kept
 * as a switch so the checks' tests can still describe an account set up before messages existed.
 */
export const SMS_WEBHOOK_ENABLED = true;

export interface DesiredAccount {
  voiceUrl: string;
  voiceMethod: 'POST';
  /**
   * The TwiML App's Status Callback URL: the end of every call it handles. A call to the team number that
   * nobody was rung for is known to the call history only from this callback. The same URL the server
   * puts on every dialled leg.
   */
  statusCallback: string;
  statusCallbackMethod: 'POST';
  /** Undefined when SMS_WEBHOOK_ENABLED is off. */
  smsUrl?: string;
  smsMethod: 'POST';
  /** Names of what set-up creates, with the host so that several deployments in one account stay apart. */
  applicationName: string;
  keyName: string;
}

export function desiredAccount(publicBaseUrl: string, smsEnabled = SMS_WEBHOOK_ENABLED): DesiredAccount {
  const host = new URL(publicBaseUrl).host;
  return {
    voiceUrl: `${publicBaseUrl}/handle_calls`,
    voiceMethod: 'POST',
    statusCallback: webhookUrls(publicBaseUrl).status,
    statusCallbackMethod: 'POST',
    ...(smsEnabled ? { smsUrl: `${publicBaseUrl}/handle_sms` } : {}),
    smsMethod: 'POST',
    applicationName: `Softphone (${host})`,
    keyName: `Softphone (${host})`,
  };
}
