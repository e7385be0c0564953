import { describe, expect, it } from 'vitest';
import { hasHidden, revealHidden, spellHidden } from '../../../src/lib/domain/display-text';
import {
  findLookalikeIds,
  idSkeleton,
  lookalikeNotes
} from '../../../src/lib/domain/lookalike-ids';

describe('lookalike ids', () => {
  const base = ['C001', 'C002', 'C010', 'C011', 'C100'];
  it.each([
    ['zero-width space', 'C0\u200b10'],
    ['word joiner at the end', 'C010\u2060'],
    ['Cyrillic Es', '\u0421010'],
    ['fullwidth digits', 'C\uff10\uff11\uff10'],
    ['lower case', 'c010'],
    ['letter O for zero', 'C01O'],
    ['leading space', ' C010'],
    ['no-break space inside', 'C0\u00a010'],
    ['right-to-left override', 'C010\u202e']
  ])('%s is found beside C010', (_, variant) => {
    const groups = findLookalikeIds('customer_id', [...base, variant]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.values).toContain('C010');
    expect(groups[0]!.values).toContain(variant);
  });

  it('distinct ids that merely share a prefix are not lookalikes', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `C${String(i).padStart(4, '0')}`);
    expect(findLookalikeIds('customer_id', [...ids, 'INV-2026-01', 'INV-2026-02'])).toEqual([]);
  });

  it('repeated identical values are one id, not a group', () => {
    expect(findLookalikeIds('customer_id', ['C010', 'C010', 'C011'])).toEqual([]);
  });

  it('the skeleton of a plain id needs no table lookups and matches the slow path', () => {
    expect(idSkeleton('C010')).toBe('colo');
    expect(idSkeleton('C010\u200b')).toBe('colo');
  });

  it('notes spell out the invisible characters and name non-Latin letters', () => {
    const notes = lookalikeNotes(
      findLookalikeIds('customer_id', ['C010', 'C0\u200b10', '\u0421010'])
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('"C0⟨U+200B⟩10"');
    expect(notes[0]).toContain('(with U+0421)');
    expect(notes[0]).toContain('3 different ids');
  });
});

describe('hidden characters in displayed values', () => {
  it('an id shows every control, zero-width and bidi character', () => {
    expect(spellHidden('C\u202e010')).toBe('C⟨U+202E⟩010');
    expect(spellHidden(' C010')).toBe('⟨U+0020⟩C010');
    const seg = revealHidden('R\u200b1', 'id');
    expect(seg).toEqual([
      { kind: 'text', text: 'R' },
      { kind: 'hidden', char: '\u200b', code: 'U+200B', name: 'zero-width space' },
      { kind: 'text', text: '1' }
    ]);
  });
  it('prose keeps joiners and line breaks but shows overrides', () => {
    expect(hasHidden('line one\nline two', 'text')).toBe(false);
    expect(hasHidden('emoji 👩\u200d💻', 'text')).toBe(false);
    expect(spellHidden('refund \u202eevil', 'text')).toBe('refund ⟨U+202E⟩evil');
  });
});
