/**
 * Characters in data that a reader cannot see but that change what they read: controls,
 * zero-width characters and bidi controls (an unclosed right-to-left override reverses the rest
 * of a sentence; one inside an id makes it display as another id). `revealHidden` splits a value
 * so a view can show each of them as a visible, named mark.
 */
export type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'hidden';
      readonly char: string;
      readonly code: string;
      readonly name: string;
    };

const NAMES: Readonly<Record<number, string>> = {
  0x0009: 'tab',
  0x000a: 'line feed',
  0x000d: 'carriage return',
  0x0020: 'space',
  0x00a0: 'no-break space',
  0x00ad: 'soft hyphen',
  0x061c: 'Arabic letter mark',
  0x180e: 'Mongolian vowel separator',
  0x200b: 'zero-width space',
  0x200c: 'zero-width non-joiner',
  0x200d: 'zero-width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2060: 'word joiner',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0xfeff: 'zero-width no-break space'
};

/** In ids every control, format character and non-ASCII space is shown, and edge spaces. */
const ID_HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/u;
/** In free text (notes, messages) the reordering controls and stray C0/C1 controls. */
const TEXT_HIDDEN = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\p{Cc}]/u;
const TEXT_KEEP = new Set(['\n', '\t']);

export function codeOf(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function hidden(ch: string): Segment {
  return {
    kind: 'hidden',
    char: ch,
    code: codeOf(ch),
    name: NAMES[ch.codePointAt(0)!] ?? 'invisible character'
  };
}

/**
 * `mode: 'id'` for identifiers (everything invisible is shown, edge spaces too), `'sentence'`
 * for OpsIQ's sentences that embed values from the data (the same, but spaces are spaces),
 * `'text'` for prose from the data (joiners and marks that scripts need are kept).
 */
export type RevealMode = 'id' | 'sentence' | 'text';

export function revealHidden(value: string, mode: RevealMode): Segment[] {
  const out: Segment[] = [];
  const chars = [...value];
  let text = '';
  chars.forEach((ch, i) => {
    const edgeSpace = mode === 'id' && ch === ' ' && (i === 0 || i === chars.length - 1);
    const isHidden =
      edgeSpace ||
      (mode === 'text'
        ? TEXT_HIDDEN.test(ch) && !TEXT_KEEP.has(ch)
        : ID_HIDDEN.test(ch) && !(mode === 'sentence' && TEXT_KEEP.has(ch)));
    if (!isHidden) {
      text += ch;
      return;
    }
    if (text) out.push({ kind: 'text', text });
    text = '';
    out.push(hidden(ch));
  });
  if (text) out.push({ kind: 'text', text });
  return out;
}

/** The value as plain text with every hidden character spelled `⟨U+200B⟩`. */
export function spellHidden(value: string, mode: RevealMode = 'id'): string {
  return revealHidden(value, mode)
    .map((s) => (s.kind === 'text' ? s.text : `⟨${s.code}⟩`))
    .join('');
}

/** True when the value holds a character `revealHidden` would show. */
export function hasHidden(value: string, mode: RevealMode = 'id'): boolean {
  return revealHidden(value, mode).some((s) => s.kind === 'hidden');
}

/**
 * Text from the data inside one of OpsIQ's own sentences: whitespace collapsed, reordering
 * controls spelled out, cut to `max` characters, in quotation marks. The caller names its
 * source beside it, so it never reads as OpsIQ's own words.
 */
export function quoteFromData(text: string, max = 160): string {
  const flat = spellHidden(text.replace(/\s+/g, ' ').trim(), 'text');
  const chars = [...flat];
  const cut = chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : flat;
  return `“${cut}”`;
}

/** Who said it: `signal SIG-7 (webhook from "billing-monitor")`, OpsIQ's words around data. */
export function signalAttribution(s: { id: string; type: string; source: string }): string {
  const from = s.source.trim() ? ` from ${quoteFromData(s.source, 40)}` : '';
  return `signal ${quoteFromData(s.id, 40)} (${quoteFromData(s.type, 40)}${from})`;
}
