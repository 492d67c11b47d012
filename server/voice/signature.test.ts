import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { isSignedByTwilio, signatureUrl } from '../routes/voice';

// Twilio's documented request-validation example.
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+12349013030',
  Digits: '1234',
  From: '+12349013030',
  To: '+18005551212',
};

describe("Twilio's documented signature example", () => {
  it('computes the known signature for these parameters', () => {
    expect(twilio.getExpectedTwilioSignature(TOKEN, URL, PARAMS)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('accepts the known signature and refuses any change', () => {
    expect(isSignedByTwilio(TOKEN, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', URL, PARAMS)).toBe(true);
    expect(isSignedByTwilio('12346', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', URL, PARAMS)).toBe(false);
    expect(isSignedByTwilio(TOKEN, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', `${URL}&baz=3`, PARAMS)).toBe(false);
    expect(isSignedByTwilio(TOKEN, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', URL, { ...PARAMS, Digits: '9999' })).toBe(false);
    expect(isSignedByTwilio(TOKEN, '0/KCTR6DLpKmkAf8muzZqo1nDgQ', URL, PARAMS)).toBe(false);
    expect(isSignedByTwilio(TOKEN, undefined, URL, PARAMS)).toBe(false);
    expect(isSignedByTwilio(TOKEN, '', URL, PARAMS)).toBe(false);
  });

  it('also matches the older published vector (same URL and token, caller +14158675309)', () => {
    const older = { ...PARAMS, Caller: '+14158675309', From: '+14158675309' };
    expect(twilio.getExpectedTwilioSignature(TOKEN, URL, older)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(isSignedByTwilio(TOKEN, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', URL, older)).toBe(true);
    // The brief's pairing of that signature with +12349013030 does not verify; the parameters differ.
    expect(isSignedByTwilio(TOKEN, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', URL, PARAMS)).toBe(false);
  });

  it('builds the URL from the configured public base URL, not the Host header', () => {
    expect(signatureUrl('https://phone.example.com', '/handle_calls/after-dial?leg=inbound')).toBe(
      'https://phone.example.com/handle_calls/after-dial?leg=inbound',
    );
    expect(signatureUrl('https://example.com/softphone', '/handle_calls')).toBe('https://example.com/softphone/handle_calls');
  });
});
