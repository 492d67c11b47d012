/**
 * A small, strict XML parser for TwiML documents: elements, attributes, text, CDATA, comments,
 * processing instructions and the predefined/numeric entities. No DTDs or namespaces, which TwiML
 * never uses. Malformed input throws, so the caller can report Twilio's "document parse failure".
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export class XmlParseError extends Error {}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined) throw new XmlParseError(`Unknown entity ${whole}`);
    return named;
  });
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;

export function parseXml(source: string): XmlElement {
  let pos = 0;
  const fail = (what: string): never => {
    throw new XmlParseError(`${what} at offset ${pos}`);
  };

  const skipMisc = (): void => {
    for (;;) {
      const rest = source.slice(pos);
      const ws = /^\s+/.exec(rest);
      if (ws) { pos += ws[0].length; continue; }
      if (rest.startsWith('<?')) { const end = source.indexOf('?>', pos); if (end < 0) fail('Unterminated processing instruction'); pos = end + 2; continue; }
      if (rest.startsWith('<!--')) { const end = source.indexOf('-->', pos); if (end < 0) fail('Unterminated comment'); pos = end + 3; continue; }
      if (rest.startsWith('<!DOCTYPE')) fail('DOCTYPE is not allowed');
      return;
    }
  };

  const readName = (): string => {
    const m = NAME.exec(source.slice(pos));
    if (!m) return fail('Expected a name');
    pos += m[0].length;
    return m[0];
  };

  const parseElement = (): XmlElement => {
    if (source[pos] !== '<') fail('Expected an element');
    pos++;
    const name = readName();
    const attrs: Record<string, string> = {};
    for (;;) {
      const ws = /^\s*/.exec(source.slice(pos))!;
      pos += ws[0].length;
      if (source.startsWith('/>', pos)) { pos += 2; return { name, attrs, children: [] }; }
      if (source[pos] === '>') { pos++; break; }
      if (ws[0].length === 0) fail('Expected whitespace before an attribute');
      const attr = readName();
      const eq = /^\s*=\s*/.exec(source.slice(pos));
      if (!eq) fail(`Expected = after attribute ${attr}`);
      pos += eq![0].length;
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") fail('Expected a quoted attribute value');
      const end = source.indexOf(quote!, pos + 1);
      if (end < 0) fail('Unterminated attribute value');
      const raw = source.slice(pos + 1, end);
      if (raw.includes('<')) fail('< is not allowed in attribute values');
      if (attr in attrs) fail(`Duplicate attribute ${attr}`);
      attrs[attr] = decodeEntities(raw);
      pos = end + 1;
    }
    const children: XmlNode[] = [];
    for (;;) {
      if (pos >= source.length) fail(`Unclosed element <${name}>`);
      if (source.startsWith('</', pos)) {
        pos += 2;
        const closing = readName();
        if (closing !== name) fail(`Expected </${name}> but found </${closing}>`);
        const tail = /^\s*>/.exec(source.slice(pos));
        if (!tail) fail('Expected >');
        pos += tail![0].length;
        return { name, attrs, children };
      }
      if (source.startsWith('<!--', pos)) {
        const end = source.indexOf('-->', pos); if (end < 0) fail('Unterminated comment'); pos = end + 3; continue;
      }
      if (source.startsWith('<![CDATA[', pos)) {
        const end = source.indexOf(']]>', pos); if (end < 0) fail('Unterminated CDATA');
        children.push(source.slice(pos + 9, end)); pos = end + 3; continue;
      }
      if (source.startsWith('<?', pos)) {
        const end = source.indexOf('?>', pos); if (end < 0) fail('Unterminated processing instruction'); pos = end + 2; continue;
      }
      if (source[pos] === '<') { children.push(parseElement()); continue; }
      const next = source.indexOf('<', pos);
      const end = next < 0 ? source.length : next;
      children.push(decodeEntities(source.slice(pos, end)));
      pos = end;
    }
  };

  skipMisc();
  const root = parseElement();
  skipMisc();
  if (pos !== source.length) fail('Content after the root element');
  return root;
}

export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}
