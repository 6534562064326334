// Cue phrases per intent, across our languages. They fire alone where no
// trained intent model covers a label (praise, pricing, churn_risk) and are
// features of the trained models for the others.
import type { IntentLabel } from './intent.ts'

/** Unmistakable money talk: enough for `pricing` on its own, whatever the model says (its data rarely shows these words). */
export const STRONG_PRICING = /\b(?:expensive|overpriced|pricing|prices?|price tag|refund(?:ed|s)?|subscription (?:fee|price|cost)|too costly|rip[- ]?off)\b|(?:trop cher|prix|rembourse|teuer|preis|caro|precio|preço|prezzo|дорого|贵|貴|退款)/

/** Labels with cue phrases, in the order of their dense features. */
export const CUE_LABELS: IntentLabel[] = ['bug_report', 'feature_request', 'question', 'praise', 'complaint', 'pricing', 'churn_risk']

// Matched against lower-cased text without the i/u flags: case-insensitive Unicode regexes are ~10× slower in V8.
const re = (parts: string[]) => new RegExp(parts.join('|'))

// Asking in so many words, as opposed to only ending on a question mark ("Seriously?").
const ASKING_PARTS = [
  String.raw`^(?:how|what|why|when|where|which|who|is|are|can|could|does|do|should|will|would|has|have|any)\b[^.!]*\?`,
  String.raw`\b(?:how (?:do|can|to|does)|is there (?:a|any) way|does anyone know|anyone know|any idea|what is the|how come|wondering (?:if|how|whether))\b`,
  String.raw`(?:comment (?:faire|puis|peut|on)|est-ce que|pourquoi|cómo|por qué|como (?:faço|posso)|wie kann|warum|come (?:posso|si)|perché|hoe kan|waarom|hvordan|hvorfor|как (?:сделать|мне|можно)|почему|πώς|γιατί|怎么|怎麼|如何|为什么|為什麼|吗[？?]|嗎[？?])`,
  // The other languages' question words opening the sentence that ends on the question mark, as in English above
  // ("Как подключить магазин?", "¿Dónde está la factura?"); spelled out, since \b knows no letters beyond ASCII.
  String.raw`^¿?(?:c[oó]mo|d[oó]nde|cu[aá]ndo|qu[eé]|cu[aá]l|hay|se puede|puedo|comment|o[uù]|quand|quel(?:le)?s?|y a-t-il|peut-on|puis-je|wie|wo|wann|was|welche[rsmn]?|gibt es|kann (?:ich|man)|come|dove|quale|c'è|posso|si può|onde|qual|tem como|é possível|hoe|waar|wanneer|welke|hvor|når|hva|hvilken|kan (?:jeg|man)|finnes det|как|где|когда|какой|какая|какое|какие|можно ли|есть ли|подскажите|alguien|quelqu'un|jemand|qualcuno|alguém|кто-нибудь|noen)[\s,][^.!]*[?？]`,
  String.raw`^(?:πού|πότε|ποιο|ποια|μπορώ)[\s,][^.!]*[?;]`,
]
/** A text that asks in so many words and has a question mark (Greek's is ";"): a question whatever a model says. */
export const asks = (lower: string) =>
  ASKING.test(lower) && (lower.includes('?') || lower.includes('？') || (lower.includes(';') && GREEK.test(lower)))
const GREEK = /[\u0370-\u03ff]/
const ASKING = re(ASKING_PARTS)

// "Why …?" asks for a reason and is mostly a complaint: of the training side's why-questions without a sentiment word,
// 7 were negative, 2 positive, 2 neutral.
const WHY = /(?:\bwhy\b|how come|pourquoi|por qu[eé]|warum|perché|waarom|hvorfor|почему|зачем|γιατί|为什么|為什麼|为啥)/
/** The text asks why (or how come): for a reason, which is mostly a complaint. */
export const asksWhy = (lower: string) => WHY.test(lower)

export const INTENT_CUES: Partial<Record<IntentLabel, RegExp>> = {
  bug_report: re([
    String.raw`\b(?:crash(?:es|ed|ing)?|bug(?:s|gy)?|glitch(?:es|y)?|error(?:s)?|broken|freez(?:e|es|ing)|froze|hangs?|stuck|fails?|failed|failing)\b`,
    String.raw`\b(?:doesn'?t|does not|don'?t|won'?t|will not|can'?t|cannot|can not|isn'?t|not|stopped|no longer) (?:work|working|load|loading|open|opening|sync|syncing|connect|connecting|start|log ?in|show|display|update|save|pair)`,
    String.raw`\b(?:beug|bug|plante|plantage|erreur|bloqu|fig[ée]|ne (?:fonctionne|marche|s'ouvre|synchronise|charge)|(?:fonctionne|marche) (?:plus|pas)|impossible de|ne se (?:connecte|synchronise|lance))`,
    String.raw`\b(?:no funciona|se cierra|se cuelga|falla|fallo|no carga|não funciona|trava|travando|fecha sozinho|não abre|funktioniert nicht|stürzt|absturz|fehler|hängt|non funziona|si blocca|si chiude|errore|werkt niet|loopt vast|fungerer ikke|virker ikke|krasjer|feil)\b`,
    String.raw`(?:не работает|не запускается|вылета|глюч|ошибк|баг|зависа|δεν λειτουργ|κολλάει|σφάλμα|闪退|閃退|崩溃|崩潰|打不开|打不開|报错|報錯|卡死|无法|無法)`,
  ]),
  feature_request: re([
    String.raw`\b(?:please (?:add|make|bring|include|allow|let|support|consider|fix)|would (?:be|love) (?:nice|great|good|helpful|awesome|useful|to see|to have)|would love|i wish|wish (?:it|there|you|the)|should (?:add|have|be able|include|allow|support)|feature request|add (?:an? |the )?(?:option|feature|ability|setting|support)|(?:allow|let) (?:us|me|users) to|can you (?:add|make|please)|could you (?:add|make|please)|needs? (?:an? |the )?(?:option|feature|ability|way)|it would be|i'd like|i would like|hope (?:you|they) (?:add|will)|missing (?:feature|option)|support for|ability to)\b`,
    String.raw`(?:ajout(?:er|ez)|rajout(?:er|ez)|serait (?:bien|top|génial|super|pratique|utile|sympa)|il faudrait|manque|j'aimerais|j'aimerai|pourriez[- ]vous|possibilité de|souhait|dommage qu|ce serait|pouvoir (?:choisir|mettre|ajouter|modifier))`,
    String.raw`\b(?:agregar|añadir|sería (?:bueno|genial|útil)|ojalá|deberían|adicionar|seria (?:bom|ótimo|legal)|poderiam|wäre (?:schön|toll|gut|super)|bitte .{0,40}hinzufügen|wünsche|sarebbe (?:bello|utile|bene)|aggiungete|zou (?:fijn|mooi) zijn|toevoegen|ønsker|hadde vært fint|legg til)\b`,
    String.raw`(?:добавьте|хотелось бы|было бы (?:неплохо|хорошо|здорово)|θα ήταν καλό|προσθέστε|希望|建议|建議|能不能|可以增加|加个|加個)`,
  ]),
  question: re([String.raw`\?\s*$`, ...ASKING_PARTS]),
  praise: re([
    String.raw`\b(?:love (?:it|this|the|that|how)|loving|awesome|amazing|excellent|fantastic|great (?:app|product|service|job|work|support)|best (?:app|product|service|ever)|thank(?:s| you)|well done|kudos|perfect|brilliant|highly recommend|recommend it|five stars|5 stars)\b`,
    String.raw`(?:j'adore|génial|excellent|parfait|super appli|merci|bravo|top|me encanta|excelente|genial|gracias|adoro|ótimo|obrigad|perfeito|toll|super|hervorragend|danke|klasse|fantastico|ottimo|grazie|geweldig|bedankt|fantastisk|takk|perfekt|отлично|спасибо|супер|люблю|υπέροχο|ευχαριστ|τέλει|很好|非常好|好评|好評|赞|讚|推荐|推薦|谢谢|謝謝)`,
  ]),
  complaint: re([
    String.raw`\b(?:terrible|horrible|awful|worst|useless|disappointed|disappointing|unacceptable|ridiculous|waste of|rip[- ]?off|scam|fraud|poor (?:service|quality|support)|customer service|never again|fed up|frustrat\w*|annoy\w*|garbage|trash|sucks|pathetic|shame on|still waiting|no response|nobody (?:helps|answers))\b`,
    String.raw`(?:nul|déçu|décevant|honteux|inadmissible|scandale|arnaque|horrible|pénible|lamentable|inaceptable|pésimo|vergonha|péssimo|enttäuscht|unverschämt|schlecht|vergogna|pessimo|deludente|slecht|teleurgesteld|elendig|skuffet|ужасн|отвратительн|разочарован|позор|απαράδεκτ|χάλια|απογοήτευ|投诉|投訴|差评|差評|失望|垃圾|太差)`,
  ]),
  pricing: re([
    String.raw`\b(?:price[sd]?|pricing|expensive|overpriced|cheap(?:er)?|cost(?:s|ly)?|subscription|subscribe|paywall|pay(?:ing)?|paid|refund(?:ed)?|fee(?:s)?|charg(?:e|ed|es|ing)|billing|billed|money|premium|pro version|free version|in-app purchases?|trial|discount|plan)\b|[$€£]\s?\d`,
    String.raw`(?:prix|cher|abonnement|payant|payer|rembours|tarif|facturé|precio|caro|suscripción|pagar|reembolso|preço|caro|assinatura|pagar|reembolso|preis|teuer|abo|bezahlen|erstatt|prezzo|costoso|abbonamento|rimborso|prijs|duur|abonnement|betalen|pris|dyrt|dyr|abonnement|цена|дорого|подписк|возврат денег|τιμή|ακριβ|συνδρομή|价格|價格|贵|貴|收费|收費|退款|会员|會員)`,
  ]),
  churn_risk: re([
    String.raw`\b(?:cancel(?:l?ing|l?ed)? (?:my |the )?(?:subscription|account|plan|membership|order)|uninstall(?:ed|ing)?|delet(?:e|ed|ing) (?:the app|my account|it)|switch(?:ed|ing)? (?:to|over to)|moving to|going back to|look(?:ing)? for (?:an |another )?alternative|unsubscrib\w*|done with (?:this|you)|last straw|won'?t (?:be )?(?:renew|buy|use)\w*|not renewing|never (?:buy|use|order)\w* (?:again|from)|lost a customer)\b`,
    String.raw`(?:désinstall|résili(?!en)|je (?:vais )?passer (?:à|chez)|changer d'appli|desinstal|cancel(?:ar|o|é|ei|ando) (?:mi|a|la|minha|meu|o) (?:suscripción|assinatura|cuenta|conta|plano|plan)|me (?:cambio|paso) a|cambiarme a|(?:vou|vamos) (?:mudar|trocar) para|kündig|deinstall|wechsle zu|wechseln zu|disinstall|disdett|disdico|annull(?:o|erò) l'abbonamento|passo a un(?:'altra| altro)|opzeggen|si(?:er|e|g)? opp|avinstaller|bytter til|отписа|удалил|удаляю|перехожу на|отменяю подписку|отменил подписку|ухожу к|απεγκατ|ακυρώνω τη συνδρομή|卸载|卸載|退订|退訂|不会再|不會再)`,
  ]),
}

/** Dense features for the intent models: which cue rules fire, the rating, question marks, length. */
export function intentDense(text: string, rating: number | undefined): number[] {
  const lower = text.toLowerCase()
  const cues = CUE_LABELS.map((l) => (INTENT_CUES[l]?.test(lower) ? 1 : 0))
  const r = rating === undefined ? 0 : (Math.max(1, Math.min(5, rating)) - 3) / 2
  return [...cues, r, text.includes('?') || text.includes('？') ? 1 : 0, Math.log1p(text.length) / 5]
}
