/**
 * A messaging webhook's answer (pure): the <Message> replies in its TwiML, each with its body, media
 * URLs and optional to, from, action (status callback) and method. Anything else is reported, not run.
 */
import { parseXml, textOf, type XmlElement } from '../twiml/xml';

export interface TwimlReply {
  body: string;
  media: string[];
  to?: string;
  from?: string;
  /** Status callbacks for the reply go here (Twilio's `action`; `statusCallback` is accepted too). */
  action?: string;
  method: 'GET' | 'POST';
}

export interface MessagingTwiml {
  replies: TwimlReply[];
  /** Elements this emulator does not run (e.g. <Redirect>). */
  unsupported: string[];
}

const isElement = (node: unknown): node is XmlElement => typeof node !== 'string';

/** Throws on a document that is not XML or not a <Response>, as Twilio reports 12100. */
export function messagingTwiml(source: string): MessagingTwiml {
  if (!source.trim()) return { replies: [], unsupported: [] };
  const root = parseXml(source);
  if (root.name !== 'Response') throw new Error(`Root element must be <Response>, not <${root.name}>`);
  const replies: TwimlReply[] = [];
  const unsupported: string[] = [];
  for (const el of root.children.filter(isElement)) {
    if (el.name !== 'Message') {
      unsupported.push(el.name);
      continue;
    }
    const children = el.children.filter(isElement);
    const bodyEl = children.find((c) => c.name === 'Body');
    // Text directly inside <Message> is its body, unless it has a <Body>.
    const direct = el.children.filter((c): c is string => typeof c === 'string').join('');
    const action = el.attrs.action ?? el.attrs.statusCallback;
    replies.push({
      body: (bodyEl ? textOf(bodyEl) : direct).trim(),
      media: children.filter((c) => c.name === 'Media').map((c) => textOf(c).trim()).filter(Boolean),
      ...(el.attrs.to ? { to: el.attrs.to } : {}),
      ...(el.attrs.from ? { from: el.attrs.from } : {}),
      ...(action ? { action } : {}),
      method: el.attrs.method?.toUpperCase() === 'GET' ? 'GET' : 'POST',
    });
  }
  return { replies, unsupported };
}
