// Stage 6b: urgency. A mention is urgent when its words say the person cannot
// wait: they say so ("urgent", "asap", "срочно", "紧急"), or something is
// stopping them now (they cannot log in or pay, the service is down, data was
// lost, they were charged twice, an account was hacked). Rules over phrases in
// every language the pipeline reads, not a model: there is no labelled data to
// learn urgency from, and the phrases themselves are the explanation.
export const URGENCY_VERSION = 1

// One pattern per language, matched on lower-cased text; the phrase found is the reason shown. Latin-script words are
// bounded by letters so "urgente" does not match inside "insurgente"; Chinese has no word boundaries to ask for.
const PHRASES: Record<string, string[]> = {
  en: [
    'urgent(?:ly)?', 'asap', 'emergency',
    "(?:can't|cannot|can not|unable to) (?:log ?in|login|sign in|access|pay|check ?out)", 'locked out',
    '(?:site|app|service|server|servers|api|website|platform|system|checkout|login) (?:is|are|went|has gone|has been) down', 'outage',
    'lost (?:all )?(?:my |our )?data', 'data loss', '(?:charged|billed) (?:me |us )?twice', 'double charged',
    '(?:got|been|was|were|is|has been) hacked', 'security (?:issue|hole|breach)',
  ],
  es: ['urgente', 'cuanto antes', 'lo antes posible', 'no puedo (?:entrar|acceder|iniciar sesión|pagar)', '(?:está|se ha) caíd[oa]', 'perd[íi] (?:todos )?(?:mis |los )?datos', 'cobrado dos veces', 'hackead[oa]'],
  de: ['dringend', 'so schnell wie möglich', 'kann mich nicht (?:mehr )?(?:anmelden|einloggen)', '(?:ist|sind) (?:komplett |total )?ausgefallen', 'daten (?:sind )?verloren', 'doppelt (?:abgebucht|berechnet)', 'gehackt'],
  fr: ['urgent(?:e)?', 'au plus vite', "(?:je )?n'arrive (?:pas|plus) à me connecter", 'impossible de (?:me connecter|payer)', 'en panne', 'perdu (?:toutes )?mes données', 'prélevée? deux fois', 'piraté'],
  it: ['urgente', 'al più presto', 'non riesco (?:più )?ad? (?:accedere|entrare|pagare)', 'dati persi', 'addebitat[oa] due volte', 'hackerat[oa]'],
  pt: ['urgente', 'o mais rápido possível', 'não consigo (?:entrar|acessar|fazer login|pagar)', 'fora do ar', 'perdi (?:todos )?(?:os )?meus dados', 'cobrad[oa] duas vezes', 'hackead[oa]'],
  nl: ['dringend', 'zo snel mogelijk', 'kan niet (?:meer )?inloggen', 'storing', 'gegevens kwijt', 'dubbel afgeschreven', 'gehackt'],
  no: ['haster', 'snarest', 'får ikke (?:logget|logga) inn', 'kommer ikke inn', '(?:siden|appen|tjenesten|serveren|nettsiden) er nede', 'mistet (?:alle )?data', 'trukket (?:to ganger|dobbelt)', 'hacket'],
  ru: ['срочно', 'как можно скорее', 'не могу (?:войти|зайти|оплатить)', 'потерял(?:и|а)? (?:все )?данные', 'списали дважды', 'взломал(?:и)?'],
  el: ['επείγον', 'επειγόντως', 'το συντομότερο', 'δεν μπορώ να (?:συνδεθώ|μπω|πληρώσω)', 'χάθηκαν (?:τα )?δεδομένα', 'χρεώθηκα δύο φορές'],
}
const HAN_PHRASES = ['紧急', '无法登录', '登不上', '宕机', '数据丢失', '扣了两次', '被盗']

// The letters of our alphabets, spelled out, so the expression needs no `u` flag for \\p{L}: the pipeline keeps to
// plain expressions (BENCHMARKS.md, Enrichment pipeline).
const LETTER = '[a-z\\u00c0-\\u024f\\u0370-\\u03ff\\u1f00-\\u1fff\\u0400-\\u04ff]'
const bounded = (phrases: string[]) => new RegExp(`(?<!${LETTER})(?:${phrases.join('|')})(?!${LETTER})`, 'g')
// Each language's phrases with English's, in one expression: one pass over the text.
const PATTERNS: Record<string, RegExp> = Object.fromEntries(
  Object.entries(PHRASES).map(([lang, phrases]) => [lang, bounded(lang === 'en' ? phrases : [...phrases, ...PHRASES.en])]),
)
const HAN = new RegExp(HAN_PHRASES.join('|'), 'g')

export interface Urgency {
  urgent: boolean
  /** The phrases that made it so, as written. */
  cues: string[]
}

/**
 * Reads the lower-cased text in its own language, and in English too: people write "asap" and "urgent" in every
 * language, and a language detected wrongly on a short text should not hide them.
 */
export function detectUrgency(lower: string, lang: string): Urgency {
  const text = lower.includes('’') ? lower.replace(/’/g, "'") : lower
  const cues = [...new Set([...text.matchAll(lang === 'zh' ? HAN : (PATTERNS[lang] ?? PATTERNS.en))].map((m) => m[0]))]
  return { urgent: cues.length > 0, cues }
}
