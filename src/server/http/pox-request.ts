// Reading an Autodiscover POX request: only its EMailAddress and AcceptableResponseSchema. Not a
// general XML parser: a body with a DTD, an entity declaration, CDATA or a comment (anything
// starting '<!'), or an entity reference other than XML's five and numeric ones, is refused as a
// whole, so no entity is ever expanded and nothing outside the body is read (billion laughs,
// XXE). The caller caps the body's size before this sees it.

export type PoxRequest = { readonly email: string; readonly schema?: string } | { readonly error: string };

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function readPoxRequest(body: string): PoxRequest {
  if (body.includes('<!')) return { error: 'DTDs, entity declarations, CDATA and comments are not accepted here' };
  if (/&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)/.test(body)) return { error: 'only the predefined and numeric character references are accepted' };
  if (!/<(?:[A-Za-z_][\w.-]*:)?Autodiscover[\s>]/.test(body)) return { error: 'not an Autodiscover request' };
  const email = element(body, 'EMailAddress');
  if (email === undefined || email === '') return { error: 'no EMailAddress in the request' };
  const schema = element(body, 'AcceptableResponseSchema');
  return schema ? { email, schema } : { email };
}

/** The text of the first element named `name` (any namespace prefix, letter case as MS clients vary). */
function element(body: string, name: string): string | undefined {
  const m = new RegExp(`<((?:[A-Za-z_][\\w.-]*:)?${name})(?:\\s[^<>]*)?>([^<]*)</\\1\\s*>`, 'i').exec(body);
  return m ? decode(m[2]!).trim() : undefined;
}

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return PREDEFINED[ref] ?? whole;
  });
}
