// Stage 5: spam / bot score in [0, 1]. Independent signals (link farming,
// promo phrasing, tag stuffing, gibberish, the same text from many authors)
// combined as a noisy-OR so any one strong signal is enough. Measured against
// real posts, reviews and issues in EVAL.md (Spam filter): what people write
// about a product, links to its own site, code and foreign scripts included,
// must not read as spam.

export const SPAM_VERSION = 3

const PROMO_RE =
  /\b(?:free (?:followers|gift|money|iphone|trial)|giveaway|promo ?code|coupon|discount code|\d+% off|click (?:here|the link|link in bio)|link in (?:my )?bio|dm (?:me|us) (?:for|to)|follow (?:me|back|for follow)|f4f|sub4sub|check out my|subscribe to my|earn \$?\d+|make money|work from home|passive income|crypto (?:giveaway|signals)|free (?:bitcoin|btc|crypto)|forex signals|nft drop|onlyfans|casino|betting tips|viagra|cialis|buy now|limited (?:time )?offer|act now|whatsapp \+?\d|telegram @|cheap (?:followers|likes)|100% guaranteed|free likes|visit my (?:profile|page)|flash sale|shop now|you(?:'ve| have)? won|claim (?:it|your \w+) now|message me)\b/g

// The same pitches in the pipeline's other languages. No \b: it knows only ASCII word characters. Words that also
// say ordinary things are left out or pinned down (Russian заработало is "it started working"; Chinese 赚钱 is how
// reviews say a company only wants money).
const PROMO_OTHER_RE = new RegExp(
  [
    // es
    'gana(?:r)? (?:dinero|\\d+)', 'desde casa', 'seguidores gratis', 'likes gratis', '(?:link|enlace) en (?:mi )?bio', 'sígueme y te sigo',
    'por tiempo limitado', '\\d+ ?% de descuento', 'compra (?:ya|ahora)', 'has ganado', 'reclama tu (?:premio|regalo)', 'escríbeme',
    'info por (?:dm|privado|whatsapp)', 'duplica tu dinero', 'solo hoy', 'entra(?:ndo)? a mi perfil',
    // pt
    'ganh(?:e|ar) (?:dinheiro|seguidores|\\d+)', 'seguidores grátis', 'curtidas grátis', 'link (?:na|da) bio', 'renda extra',
    'trabalha(?:ndo|r) de casa', 'chama no (?:whats|zap|direct|privado)', '\\d+ ?% de desconto', 'compre (?:já|agora)',
    'você foi sorteado', 'resgate seu prêmio', 'sigo de volta',
    // de
    'geld verdienen', 'von zu hause', 'gratis follower', 'kostenlose (?:follower|likes)', 'link (?:in (?:der |meiner )?bio|im profil)',
    'schreib mir', 'sie haben gewonnen', 'holen sie ihren preis',
    // no
    'tjen (?:penger|\\d+)', 'hjemmefra', 'gratis følgere', 'lenke i bio', 'send (?:meg en )?(?:melding|dm)',
    // ru
    'заработок', 'заработать (?:деньги|от|в интернете)', 'доход от \\d+', 'без вложений', 'пиши(?:те)? в (?:личку|лс|директ|телеграм)',
    'взаимн(?:ая|ую) подписк', 'ссылк[аеуи] в (?:профиле|био|шапке)', 'по ссылке в био', 'скидк[аи] (?:до )?\\d+ ?%', 'только сегодня',
    'успей(?:те)? купить', 'вы (?:выиграли|стали победителем)', 'забер(?:и|ите) (?:приз|подарок)', 'ставки на спорт', 'работа на дому',
    'накрутк', 'раскрутк', 'бесплатные подписчики', 'розыгрыш',
    // el
    'κέρδισε', 'κερδίστε', 'από το σπίτι', 'δωρεάν ακόλουθοι', 'στείλε μου', 'πάρε το δώρο', 'βγάλε λεφτά',
    // zh
    '兼职', '日赚', '日结', '加微信', '加v', '加qq', '私聊', '私信我', '刷单', '免费领取', '点击链接', '限时优惠', '立即购买',
    '低价出售', '清仓', '在家.{0,4}赚钱', '轻松赚钱', '送礼品', '点赞关注', '链接在主页', '全场.折',
  ].join('|'),
  'g',
)

export interface SpamInput {
  text: string
  /** How many other authors posted the same content, when the caller knows. */
  duplicateAuthors?: number
}

const URL_RE = /https?:\/\/\S+|www\.\S+/g

/** Share of the Latin-script words that no language spells (no vowel, five consonants in a row); links left out. */
function gibberishShare(lower: string): number {
  // A shortened link's path (t.co/FVbCAbbfZd) is no word, and a text in another script has few Latin words to judge.
  const words = lower.replace(URL_RE, ' ').match(/[a-zß-öø-ÿ]{5,}/g)
  if (!words || words.length < 3) return 0
  let odd = 0
  for (const w of words) {
    if (!/[aeiouyäöüéèáíóúàåøæ]/.test(w) || /[bcdfghjklmnpqrstvwxz]{5,}/.test(w) || /(.)\1{3,}/.test(w)) odd++
  }
  return odd / words.length
}

/** Probability-like spam score with the signals that fired. */
export function scoreSpam(input: SpamInput): { score: number; signals: Record<string, number> } {
  const text = input.text
  // Lower-cased once; the patterns then need neither the i nor the u flag (both slow in V8).
  const lower = text.toLowerCase()
  const signals: Record<string, number> = {}
  // Sites, not links: an issue's screenshots all live on one host; link farms spread over many.
  const links = new Set((lower.match(URL_RE) ?? []).map((u) => u.replace(/^https?:\/\//, '').split(/[/?#]/)[0])).size
  if (links >= 2) signals.links = Math.min(0.8, 0.2 * links)
  // Different phrases: a word said again is one pitch, not two.
  const promo = new Set([...(lower.match(PROMO_RE) ?? []), ...(lower.match(PROMO_OTHER_RE) ?? [])]).size
  if (promo) signals.promo = Math.min(0.9, 0.45 * promo)
  const tags = (text.match(/(?:^|\s)[#@]\w/g) ?? []).length
  if (tags >= 5) signals.tags = Math.min(0.6, 0.08 * tags)
  const gib = gibberishShare(lower)
  if (gib > 0.3) signals.gibberish = Math.min(0.8, gib)
  // Letters held down, not a Markdown rule (----, ====) or a long number.
  if (/([a-zß-ÿа-яёα-ω])\1{7,}/.test(lower)) signals.repeats = 0.3
  if (text.length >= 20 && text === text.toUpperCase() && lower !== text && (text.match(/[A-Z]/g) ?? []).length >= 20) signals.shouting = 0.15
  if (input.duplicateAuthors && input.duplicateAuthors >= 2) signals.duplicates = Math.min(0.95, 0.3 * Math.log2(input.duplicateAuthors))
  let keep = 1
  for (const v of Object.values(signals)) keep *= 1 - v
  return { score: Math.round((1 - keep) * 1000) / 1000, signals }
}
