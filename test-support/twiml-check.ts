/**
 * An independent reading of the TwiML the server sends: parsed with a real XML parser, checked against a
 * fixed grammar (only the verbs, nouns and attributes this product emits), every <Number> re-checked with
 * libphonenumber-js's full metadata and every text compared with what the decision produced.
 */
import { createRequire } from 'node:module';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import type { AfterDialDecision, VoiceDecision } from '../server/voice/decide';

// jsdom (a dev dependency) ships no types; lib.dom describes the part used here.
const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: new (html: string) => { window: { DOMParser: typeof DOMParser; Node: { ELEMENT_NODE: number; TEXT_NODE: number } } } };
const { window } = new JSDOM('');
const { ELEMENT_NODE, TEXT_NODE } = window.Node;
const parser = new window.DOMParser();

/** Element → the attributes it may carry and the children it may have. */
const GRAMMAR: Record<string, { attributes: string[]; children: string[]; text: boolean }> = {
  Response: { attributes: [], children: ['Dial', 'Say', 'Hangup', 'Reject', 'Record'], text: false },
  Dial: { attributes: ['callerId', 'answerOnBridge', 'timeout', 'action', 'method'], children: ['Number', 'Client'], text: false },
  Number: { attributes: ['statusCallback', 'statusCallbackMethod', 'statusCallbackEvent'], children: [], text: true },
  Client: { attributes: ['statusCallback', 'statusCallbackMethod', 'statusCallbackEvent'], children: [], text: true },
  Say: { attributes: [], children: [], text: true },
  Hangup: { attributes: [], children: [], text: false },
  Reject: { attributes: ['reason'], children: [], text: false },
  Record: {
    attributes: ['maxLength', 'playBeep', 'finishOnKey', 'timeout', 'action', 'method', 'recordingStatusCallback', 'recordingStatusCallbackMethod', 'recordingStatusCallbackEvent'],
    children: [],
    text: false,
  },
};

export interface TwimlNode {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: TwimlNode[];
}

export interface DialPolicy {
  allowedCountries: readonly CountryCode[];
  teamNumber: string;
  users: readonly string[];
  publicBaseUrl: string;
}

/** Parses and checks the grammar; throws a sentence describing the first violation. */
export function parseTwiml(xml: string): TwimlNode {
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) throw new Error('no XML declaration');
  const doc = parser.parseFromString(xml, 'text/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) throw new Error(`not well-formed XML: ${xml.slice(0, 200)}`);
  if (doc.childNodes.length !== 1) throw new Error('something besides the root element at top level (comment, doctype, processing instruction)');
  const walk = (element: Element): TwimlNode => {
    const rule = GRAMMAR[element.nodeName];
    if (!rule) throw new Error(`unexpected element <${element.nodeName}>`);
    const attributes: Record<string, string> = {};
    for (const attribute of [...element.attributes]) {
      if (!rule.attributes.includes(attribute.name)) throw new Error(`unexpected attribute ${attribute.name} on <${element.nodeName}>`);
      attributes[attribute.name] = attribute.value;
    }
    const children: TwimlNode[] = [];
    let text = '';
    for (const child of [...element.childNodes]) {
      if (child.nodeType === ELEMENT_NODE) {
        if (!rule.children.includes(child.nodeName)) throw new Error(`<${child.nodeName}> inside <${element.nodeName}>`);
        children.push(walk(child as Element));
      } else if (child.nodeType === TEXT_NODE) {
        if (!rule.text) throw new Error(`text inside <${element.nodeName}>`);
        text += child.nodeValue ?? '';
      } else {
        throw new Error(`node of type ${child.nodeType} inside <${element.nodeName}> (CDATA, comment or processing instruction)`);
      }
    }
    return { name: element.nodeName, attributes, text, children };
  };
  const root = walk(doc.documentElement!);
  if (root.name !== 'Response') throw new Error(`root is <${root.name}>`);
  return root;
}

const CHARGED = new Set(['PREMIUM_RATE', 'SHARED_COST']);

/** Why a number may not be dialed under the policy, or undefined if it may. Knows nothing of the server's code. */
export function numberViolation(text: string, policy: Pick<DialPolicy, 'allowedCountries'>): string | undefined {
  if (!/^\+[1-9]\d{6,14}$/.test(text)) return `"${text}" is not E.164`;
  const parsed = parsePhoneNumberFromString(text);
  if (!parsed || !parsed.isValid()) return `${text} is not a valid number`;
  if (parsed.number !== text) return `${text} is not in canonical form (${parsed.number})`;
  if (parsed.country === undefined || !policy.allowedCountries.includes(parsed.country)) return `${text} is in ${parsed.country ?? 'no country'}, not in ${policy.allowedCountries.join(',')}`;
  const type = parsed.getType();
  if (type !== undefined && CHARGED.has(type)) return `${text} is ${type}`;
  return undefined;
}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

/** Checks that the response says exactly what the decision says, and that every <Dial> obeys the policy. */
export function checkVoiceTwiml(root: TwimlNode, decision: VoiceDecision, policy: DialPolicy): void {
  // Independent of the decision: nothing outside the policy is ever dialed.
  for (const dial of root.children.filter((c) => c.name === 'Dial')) {
    if (dial.attributes.action !== undefined && !dial.attributes.action.startsWith(`${policy.publicBaseUrl}/handle_calls/after-dial?leg=`)) {
      throw new Error(`<Dial action> points elsewhere: ${dial.attributes.action}`);
    }
    for (const noun of dial.children) {
      if (noun.attributes.statusCallback !== `${policy.publicBaseUrl}/handle_calls/status`) throw new Error(`statusCallback points elsewhere: ${noun.attributes.statusCallback}`);
      if (noun.name === 'Number') {
        const violation = numberViolation(noun.text, policy);
        if (violation) throw new Error(`dialed a number outside the allow-list: ${violation}`);
        if (dial.attributes.callerId !== policy.teamNumber) throw new Error(`outgoing caller ID ${dial.attributes.callerId} is not the team number`);
      }
      if (noun.name === 'Client' && !policy.users.includes(noun.text)) throw new Error(`rang "${noun.text}", who is not a user`);
    }
  }
  const shape = root.children.map((c) => c.name);
  switch (decision.kind) {
    case 'refuse':
      expectEqual(shape, ['Say', 'Hangup'], 'refusal');
      expectEqual(root.children[0]!.text, decision.message, '<Say> text');
      break;
    case 'dial-number':
      expectEqual(shape, ['Dial'], 'dial-number');
      expectEqual(root.children[0]!.children.map((c) => [c.name, c.text]), [['Number', decision.number]], '<Dial> nouns');
      break;
    case 'dial-client':
      expectEqual(shape, ['Dial'], 'dial-client');
      expectEqual(root.children[0]!.children.map((c) => [c.name, c.text]), [['Client', decision.identity]], '<Dial> nouns');
      break;
    case 'ring-group':
      if (decision.identities.length === 0) {
        expectEqual(shape, ['Say', 'Hangup'], 'empty ring group');
        break;
      }
      expectEqual(shape, ['Dial'], 'ring-group');
      expectEqual(root.children[0]!.attributes.callerId, decision.callerId, 'caller ID shown to colleagues');
      expectEqual(root.children[0]!.children.map((c) => [c.name, c.text]), decision.identities.map((i) => ['Client', i]), '<Dial> nouns');
      break;
    case 'nobody-available':
      checkAfterDialTwiml(root, decision.then);
      break;
  }
}

export function checkAfterDialTwiml(root: TwimlNode, decision: AfterDialDecision): void {
  switch (decision.kind) {
    case 'hangup':
      expectEqual(root.children.map((c) => c.name), ['Hangup'], 'after-dial hangup');
      break;
    case 'reject-busy':
      expectEqual(root.children.map((c) => [c.name, c.attributes]), [['Reject', { reason: 'busy' }]], 'after-dial busy');
      break;
    case 'say-and-hangup':
      expectEqual(root.children.map((c) => [c.name, c.text]), [['Say', decision.message], ['Hangup', '']], 'after-dial message');
      break;
    case 'voicemail': {
      expectEqual(root.children.map((c) => c.name), ['Say', 'Record', 'Say', 'Hangup'], 'voicemail');
      expectEqual(root.children[0]!.text, decision.greeting, 'greeting');
      const record = root.children[1]!.attributes;
      expectEqual([record.maxLength, record.finishOnKey, record.playBeep], [String(decision.maxSeconds), '#', 'true'], '<Record> limits');
      // The recording's callbacks come back to this server only.
      if (!record.action?.endsWith('/handle_calls/voicemail-done') || !record.recordingStatusCallback?.endsWith('/handle_calls/recording')) {
        throw new Error(`<Record> callbacks point elsewhere: ${record.action} ${record.recordingStatusCallback}`);
      }
      break;
    }
  }
}
