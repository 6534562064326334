// A light Greek stemmer: lexicon entries are lemmas, text is inflected, so both
// sides are reduced to an accent-free stem before lookup.

const ENDINGS = [
  'ουσαμε', 'ησουμε', 'ιουνται', 'ομαστε', 'ουμενα', 'ουμενη', 'ουμενο', 'ουμενος',
  'ουσαν', 'ησαν', 'ουνε', 'ομαι', 'εσαι', 'εται', 'οντας', 'ωντας', 'μενος', 'μενη', 'μενο', 'μενα', 'μενες', 'μενοι',
  'ουμε', 'ειτε', 'ατε', 'ουν', 'εις', 'ους', 'ων', 'ες', 'ος', 'ου', 'οι', 'ει', 'ας', 'ης', 'ις', 'ια', 'ιο', 'ικ',
  'α', 'ε', 'η', 'ι', 'ο', 'υ', 'ω', 'σ',
]

/** Lower-cased, accents removed, final sigma unified, common inflectional endings stripped. */
export function stemGreek(word: string): string {
  const w = word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/ς/g, 'σ')
  for (const e of ENDINGS) {
    if (w.length - e.length >= 3 && w.endsWith(e)) return w.slice(0, -e.length)
  }
  return w
}
