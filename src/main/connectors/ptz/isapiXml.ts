/**
 * The little XML that ISAPI speaks: small documents of plain elements (`<PTZData><pan>10</pan></PTZData>`),
 * an optional prolog, a default namespace, no DTDs. A strict reader (mismatched tags, stray text and
 * unknown entities are errors) and an escaper; no dependency for a few dozen lines.
 */

export type XmlElement = {
  /** Local name: a namespace prefix (`hik:PTZPreset`) is dropped. */
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element, entities decoded, not trimmed. */
  text: string;
};

export class XmlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlParseError';
  }
}

/** ISAPI documents are a few kB; anything much larger is not one. */
export const MAX_XML_CHARS = 256 * 1024;

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  return raw.replace(/&([^;&\s]{1,10});/g, (whole, ent: string) => {
    if (ent.startsWith('#x') || ent.startsWith('#X')) {
      const code = Number.parseInt(ent.slice(2), 16);
      if (Number.isFinite(code) && code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
    } else if (ent.startsWith('#')) {
      const code = Number.parseInt(ent.slice(1), 10);
      if (Number.isFinite(code) && code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
    } else if (ENTITIES[ent] !== undefined) {
      return ENTITIES[ent];
    }
    throw new XmlParseError(`unknown entity ${whole}`);
  });
}

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i >= 0 ? qname.slice(i + 1) : qname;
}

/** Parses one document and returns its root element; throws XmlParseError when it is not well-formed. */
export function parseXml(source: string): XmlElement {
  if (source.length > MAX_XML_CHARS) throw new XmlParseError('document too large');
  let pos = 0;
  const stack: Array<{ qname: string; el: XmlElement }> = [];
  let root: XmlElement | null = null;

  const fail = (what: string): never => {
    throw new XmlParseError(`${what} at offset ${pos}`);
  };

  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    const textEnd = lt < 0 ? source.length : lt;
    if (textEnd > pos) {
      const raw = source.slice(pos, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.el.text += decodeEntities(raw);
      else if (raw.trim() !== '') fail('text outside the root element');
      pos = textEnd;
      continue;
    }
    if (source.startsWith('<?', pos)) {
      const end = source.indexOf('?>', pos);
      if (end < 0) fail('unterminated processing instruction');
      if (root || stack.length > 0) fail('processing instruction after the root element started');
      pos = end + 2;
    } else if (source.startsWith('<!--', pos)) {
      const end = source.indexOf('-->', pos + 4);
      if (end < 0) fail('unterminated comment');
      pos = end + 3;
    } else if (source.startsWith('<![CDATA[', pos)) {
      const end = source.indexOf(']]>', pos);
      const top = stack[stack.length - 1];
      if (end < 0 || !top) fail('CDATA outside an element');
      if (top) top.el.text += source.slice(pos + 9, end);
      pos = end + 3;
    } else if (source.startsWith('<!', pos)) {
      fail('DTDs are not accepted');
    } else if (source.startsWith('</', pos)) {
      const m = NAME.exec(source.slice(pos + 2));
      if (!m) fail('bad closing tag');
      const qname = m?.[0] ?? '';
      pos += 2 + qname.length;
      while (/\s/.test(source[pos] ?? '')) pos++;
      if (source[pos] !== '>') fail('bad closing tag');
      pos++;
      const top = stack.pop();
      if (!top || top.qname !== qname) fail(`closing tag </${qname}> does not match`);
    } else {
      const m = NAME.exec(source.slice(pos + 1));
      if (!m) fail('bad tag');
      const qname = m?.[0] ?? '';
      pos += 1 + qname.length;
      const el: XmlElement = { name: localName(qname), attributes: {}, children: [], text: '' };
      let selfClosing = false;
      for (;;) {
        while (/\s/.test(source[pos] ?? '')) pos++;
        if (source.startsWith('/>', pos)) {
          selfClosing = true;
          pos += 2;
          break;
        }
        if (source[pos] === '>') {
          pos++;
          break;
        }
        const a = NAME.exec(source.slice(pos));
        if (!a) fail('bad attribute');
        const aname = a?.[0] ?? '';
        pos += aname.length;
        while (/\s/.test(source[pos] ?? '')) pos++;
        if (source[pos] !== '=') fail('attribute without value');
        pos++;
        while (/\s/.test(source[pos] ?? '')) pos++;
        const quote = source[pos];
        if (quote !== '"' && quote !== "'") fail('unquoted attribute value');
        const end = source.indexOf(quote ?? '"', pos + 1);
        if (end < 0) fail('unterminated attribute value');
        el.attributes[aname] = decodeEntities(source.slice(pos + 1, end));
        pos = end + 1;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.el.children.push(el);
      else if (root) fail('a second root element');
      else root = el;
      if (!selfClosing) stack.push({ qname, el });
    }
  }
  if (stack.length > 0) throw new XmlParseError(`unclosed element <${stack[stack.length - 1]?.qname ?? ''}>`);
  if (!root) throw new XmlParseError('no root element');
  return root;
}

export function childElement(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function childElements(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** Trimmed text of the first child element `name`, or undefined when there is none. */
export function childText(el: XmlElement, name: string): string | undefined {
  const c = childElement(el, name);
  return c === undefined ? undefined : c.text.trim();
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c] ?? 'amp'};`);
}
