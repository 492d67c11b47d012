import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../i18n';
import { refusalWords } from './refusal-words';

afterEach(() => setLocale('en', false));

describe('refusalWords', () => {
  it.each([
    [{ code: 'twilio_refused', twilioCode: 21211, text: 'x' }, 'Twilio says this is not a valid phone number (error 21211).'],
    [{ code: 'opted_out', twilioCode: 21610, text: 'x' }, 'This number replied STOP: it gets no texts from the team until it texts START (error 21610).'],
    [{ code: 'twilio_refused', twilioCode: 30034, text: 'x' }, 'The team number is not registered for US A2P 10DLC messaging, so carriers refuse its texts (error 30034).'],
    [{ code: 'not_allowed', twilioCode: null, text: 'x' }, 'Texts to that number are not allowed from the team number (its country, or a premium rate).'],
    [{ code: 'rate_limited', twilioCode: null, text: 'x' }, 'Too many texts in a short time: wait a minute and try again.'],
    [{ code: 'twilio_refused', twilioCode: 21999, text: 'Twilio refused the message (error 21999): odd' }, 'Twilio refused the message (error 21999): odd'],
    [{ code: 'bad_request', twilioCode: null, text: 'The message is empty.' }, 'The message is empty.'],
  ])('%j', (refusal, words) => {
    expect(refusalWords(refusal)).toBe(words);
  });

  it('speaks the chosen language', async () => {
    await setLocale('ja', false);
    expect(refusalWords({ code: 'opted_out', twilioCode: 21610, text: 'x' })).toBe('この番号は STOP と返信しました。START を送るまでチームからテキストは届きません (エラー 21610)。');
    await setLocale('ru', false);
    expect(refusalWords({ code: 'not_allowed', twilioCode: null, text: 'x' })).toBe('На этот номер нельзя отправлять SMS с номера команды (страна или платный номер).');
  });
});
