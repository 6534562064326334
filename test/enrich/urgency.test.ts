import { describe, expect, it } from 'vitest'
import { enrich } from '../../src/enrich/index.ts'
import { detectUrgency } from '../../src/enrich/urgency.ts'
import { scorePriority } from '../../src/enrich/priority.ts'

describe('urgency', () => {
  it('hears "it cannot wait" in every language the pipeline reads, and says which words', () => {
    const urgent: [string, string, string][] = [
      ['en', "I can't log in since the update, please fix ASAP", "can't log in"],
      ['en', 'Your site is down again', 'site is down'],
      ['en', 'You charged me twice for March', 'charged me twice'],
      ['en', 'My account was hacked', 'was hacked'],
      ['es', 'No puedo entrar a mi cuenta, es urgente', 'no puedo entrar'],
      ['de', 'Ich kann mich nicht anmelden, dringend!', 'kann mich nicht anmelden'],
      ['fr', "Je n'arrive pas à me connecter depuis hier", "je n'arrive pas à me connecter"],
      ['it', 'Mi avete addebitato due volte!', 'addebitato due volte'],
      ['pt', 'O site está fora do ar', 'fora do ar'],
      ['nl', 'Ik kan niet inloggen, graag zo snel mogelijk', 'kan niet inloggen'],
      ['no', 'Får ikke logget inn, det haster', 'får ikke logget inn'],
      ['ru', 'Срочно! Не могу войти в аккаунт', 'срочно'],
      ['el', 'Δεν μπορώ να συνδεθώ, είναι επείγον', 'δεν μπορώ να συνδεθώ'],
      ['zh', '无法登录，很紧急', '无法登录'],
      // People write "asap" in any language, and a short text may be read as the wrong one.
      ['ru', 'Почините экспорт asap', 'asap'],
    ]
    for (const [lang, text, cue] of urgent) {
      const u = detectUrgency(text.toLowerCase(), lang)
      expect(u.urgent, text).toBe(true)
      expect(u.cues, text).toContain(cue)
    }
  })

  it('leaves alone what only looks like it: other meanings, other words, another language’s', () => {
    for (const [lang, text] of [
      ['en', 'Sales are down this quarter, the app is fine'],
      ['en', "I can't wait for the new release!"],
      ['en', 'I hacked together a script with your API'],
      ['es', 'El movimiento insurgente no tiene nada que ver'],
      ['de', 'Gute App, alles funktioniert'],
      ['no', 'Prisene er nede, flott'],
      ['zh', '新版本很好用'],
      ['en', 'Love the new dashboard'],
    ]) {
      expect(detectUrgency(text.toLowerCase(), lang), text).toEqual({ urgent: false, cues: [] })
    }
  })

  it('lifts an urgent mention over the same mention without the words, and explains it', () => {
    const calm = enrich({ text: 'The export to CSV fails on big files', kind: 'reddit' })
    const urgent = enrich({ text: 'The export to CSV fails on big files, we lost all our data, urgent', kind: 'reddit' })
    expect(calm).toMatchObject({ urgent: false, explanation: { urgency: [] }, priorityComponents: { urgency: 1 } })
    expect(urgent).toMatchObject({ urgent: true, explanation: { urgency: ['lost all our data', 'urgent'] }, priorityComponents: { urgency: 1.333 } })
    expect(urgent.priority).toBeGreaterThan(calm.priority)
    // Never above 1, however much else pushes it.
    expect(scorePriority({ sentimentScore: -1, intents: [{ label: 'churn_risk', score: 1 }], followers: 1e7, customerValue: 1e6, urgent: true }).priority).toBe(1)
  })
})
