// A light Greek stemmer: lexicon entries are lemmas, text is inflected, so both
// sides are reduced to an accent-free stem before lookup.

// Written with σ: words are matched after the final sigma is unified. No -ια/-ιο: adjectives in
// -ιος/-ια/-ιο (ωραίος, ωραία, ωραίο) must share one stem, and ωραία must not fold onto ώρα.
const ENDINGS = [
  'ουσαμε', 'ησουμε', 'ιουνται', 'ομαστε', 'ουμενα', 'ουμενη', 'ουμενο', 'ουμενοσ',
  'ουσαν', 'ησαν', 'ουνε', 'ομαι', 'εσαι', 'εται', 'οντασ', 'ωντασ', 'μενοσ', 'μενη', 'μενο', 'μενα', 'μενεσ', 'μενοι',
  'ουμε', 'ειτε', 'ατε', 'ουν', 'εισ', 'ουσ', 'ων', 'εσ', 'οσ', 'ου', 'οι', 'ει', 'ασ', 'ησ', 'ισ', 'ικ',
  'α', 'ε', 'η', 'ι', 'ο', 'υ', 'ω', 'σ',
]

// Comparative and superlative suffixes left once the inflection is gone (καλύτερ-η, ευγενέστατ-οι, κάκιστ-η):
// the degree keeps the polarity of the base word.
const DEGREES = ['εστατ', 'οτατ', 'υτατ', 'οτερ', 'υτερ', 'ιστ']

const MIN_STEM = 3

/** Lower-cased, accents removed, final sigma unified, common inflectional and degree endings stripped. */
export function stemGreek(word: string): string {
  let w = word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/ς/g, 'σ')
  for (const e of ENDINGS) {
    if (w.length - e.length >= MIN_STEM && w.endsWith(e)) {
      w = w.slice(0, -e.length)
      break
    }
  }
  for (const d of DEGREES) {
    if (w.length - d.length >= MIN_STEM && w.endsWith(d)) return w.slice(0, -d.length)
  }
  return w
}
