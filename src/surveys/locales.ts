import type { Locale, SurveyKind } from './schemas.ts'

/** Built-in UI strings of the embed and the hosted page; the question itself is the survey owner's text. */
export interface UiStrings {
  low: Record<SurveyKind, string>
  high: Record<SurveyKind, string>
  /** Follow-up prompt when the survey sets none for the band. */
  comment: string
  send: string
  thanks: string
  close: string
  error: string
  closed: string
  /** The footer link of an e-mailed survey, and the page it opens. */
  unsubscribe: string
  unsubscribed: string
  /** Put before the subject of the one reminder to people who have not answered. */
  reminder: string
  /** After a happy answer, when the survey has a review link: the ask, and the link's words. */
  reviewAsk: string
  reviewLink: string
}

export const UI_STRINGS: Record<Locale, UiStrings> = {
  en: {
    low: { nps: 'Not at all likely', csat: 'Very unsatisfied', ces: 'Very difficult' },
    high: { nps: 'Extremely likely', csat: 'Very satisfied', ces: 'Very easy' },
    comment: 'What is the main reason for your score? (optional)',
    send: 'Send',
    thanks: 'Thank you for your feedback!',
    close: 'Close',
    error: 'Sorry, that did not go through. Please try again later.',
    closed: 'This survey is closed.',
    unsubscribe: 'Unsubscribe from these surveys',
    unsubscribed: 'You will not get our surveys by e-mail any more.',
    reminder: 'Reminder',
    reviewAsk: 'Glad to hear it! Would you say so in a public review?',
    reviewLink: 'Write a review',
  },
  es: {
    low: { nps: 'Nada probable', csat: 'Muy insatisfecho', ces: 'Muy difícil' },
    high: { nps: 'Muy probable', csat: 'Muy satisfecho', ces: 'Muy fácil' },
    comment: '¿Cuál es el motivo principal de su puntuación? (opcional)',
    send: 'Enviar',
    thanks: '¡Gracias por sus comentarios!',
    close: 'Cerrar',
    error: 'Lo sentimos, no se pudo enviar. Inténtelo más tarde.',
    closed: 'Esta encuesta está cerrada.',
    unsubscribe: 'Darse de baja de estas encuestas',
    unsubscribed: 'Ya no recibirá nuestras encuestas por correo electrónico.',
    reminder: 'Recordatorio',
    reviewAsk: '¡Nos alegra saberlo! ¿Lo contaría en una reseña pública?',
    reviewLink: 'Escribir una reseña',
  },
  de: {
    low: { nps: 'Überhaupt nicht wahrscheinlich', csat: 'Sehr unzufrieden', ces: 'Sehr schwierig' },
    high: { nps: 'Äußerst wahrscheinlich', csat: 'Sehr zufrieden', ces: 'Sehr einfach' },
    comment: 'Was ist der wichtigste Grund für Ihre Bewertung? (optional)',
    send: 'Senden',
    thanks: 'Vielen Dank für Ihr Feedback!',
    close: 'Schließen',
    error: 'Das hat leider nicht geklappt. Bitte versuchen Sie es später erneut.',
    closed: 'Diese Umfrage ist beendet.',
    unsubscribe: 'Von diesen Umfragen abmelden',
    unsubscribed: 'Sie erhalten unsere Umfragen nicht mehr per E-Mail.',
    reminder: 'Erinnerung',
    reviewAsk: 'Das freut uns! Würden Sie das in einer öffentlichen Bewertung sagen?',
    reviewLink: 'Bewertung schreiben',
  },
  fr: {
    low: { nps: 'Pas du tout probable', csat: 'Très insatisfait', ces: 'Très difficile' },
    high: { nps: 'Très probable', csat: 'Très satisfait', ces: 'Très facile' },
    comment: 'Quelle est la raison principale de votre note ? (facultatif)',
    send: 'Envoyer',
    thanks: 'Merci pour votre avis !',
    close: 'Fermer',
    error: 'Désolé, l’envoi a échoué. Veuillez réessayer plus tard.',
    closed: 'Cette enquête est close.',
    unsubscribe: 'Se désabonner de ces enquêtes',
    unsubscribed: 'Vous ne recevrez plus nos enquêtes par e-mail.',
    reminder: 'Rappel',
    reviewAsk: "Ravis de l'entendre ! Le diriez-vous dans un avis public ?",
    reviewLink: 'Écrire un avis',
  },
  pt: {
    low: { nps: 'Nada provável', csat: 'Muito insatisfeito', ces: 'Muito difícil' },
    high: { nps: 'Extremamente provável', csat: 'Muito satisfeito', ces: 'Muito fácil' },
    comment: 'Qual é o principal motivo da sua nota? (opcional)',
    send: 'Enviar',
    thanks: 'Obrigado pelo seu feedback!',
    close: 'Fechar',
    error: 'Desculpe, não foi possível enviar. Tente novamente mais tarde.',
    closed: 'Esta pesquisa está encerrada.',
    unsubscribe: 'Cancelar a inscrição nestas pesquisas',
    unsubscribed: 'Você não receberá mais nossas pesquisas por e-mail.',
    reminder: 'Lembrete',
    reviewAsk: 'Que bom saber! Diria isso numa avaliação pública?',
    reviewLink: 'Escrever uma avaliação',
  },
  ru: {
    low: { nps: 'Совсем маловероятно', csat: 'Совсем не доволен', ces: 'Очень сложно' },
    high: { nps: 'Очень вероятно', csat: 'Очень доволен', ces: 'Очень легко' },
    comment: 'Какова главная причина вашей оценки? (необязательно)',
    send: 'Отправить',
    thanks: 'Спасибо за ваш отзыв!',
    close: 'Закрыть',
    error: 'Не удалось отправить. Пожалуйста, попробуйте позже.',
    closed: 'Этот опрос закрыт.',
    unsubscribe: 'Отписаться от этих опросов',
    unsubscribed: 'Вы больше не будете получать наши опросы по электронной почте.',
    reminder: 'Напоминание',
    reviewAsk: 'Рады это слышать! Расскажете об этом в публичном отзыве?',
    reviewLink: 'Написать отзыв',
  },
  zh: {
    low: { nps: '完全不可能', csat: '非常不满意', ces: '非常困难' },
    high: { nps: '极有可能', csat: '非常满意', ces: '非常容易' },
    comment: '您给出这个评分的主要原因是什么？（选填）',
    send: '提交',
    thanks: '感谢您的反馈！',
    close: '关闭',
    error: '抱歉，提交失败。请稍后再试。',
    closed: '此调查已关闭。',
    unsubscribe: '退订这些调查',
    unsubscribed: '您将不再通过电子邮件收到我们的调查。',
    reminder: '提醒',
    reviewAsk: '很高兴听到这些！愿意写一条公开评价吗？',
    reviewLink: '写评价',
  },
  el: {
    low: { nps: 'Καθόλου πιθανό', csat: 'Πολύ δυσαρεστημένος', ces: 'Πολύ δύσκολο' },
    high: { nps: 'Εξαιρετικά πιθανό', csat: 'Πολύ ικανοποιημένος', ces: 'Πολύ εύκολο' },
    comment: 'Ποιος είναι ο κύριος λόγος για τη βαθμολογία σας; (προαιρετικό)',
    send: 'Αποστολή',
    thanks: 'Ευχαριστούμε για τα σχόλιά σας!',
    close: 'Κλείσιμο',
    error: 'Λυπούμαστε, η αποστολή απέτυχε. Δοκιμάστε ξανά αργότερα.',
    closed: 'Αυτή η έρευνα έχει κλείσει.',
    unsubscribe: 'Διαγραφή από αυτές τις έρευνες',
    unsubscribed: 'Δεν θα λαμβάνετε πλέον τις έρευνές μας μέσω email.',
    reminder: 'Υπενθύμιση',
    reviewAsk: 'Χαιρόμαστε πολύ! Θα το λέγατε σε μια δημόσια κριτική;',
    reviewLink: 'Γράψτε μια κριτική',
  },
  no: {
    low: { nps: 'Svært lite sannsynlig', csat: 'Svært misfornøyd', ces: 'Svært vanskelig' },
    high: { nps: 'Svært sannsynlig', csat: 'Svært fornøyd', ces: 'Svært enkelt' },
    comment: 'Hva er hovedgrunnen til vurderingen din? (valgfritt)',
    send: 'Send',
    thanks: 'Takk for tilbakemeldingen!',
    close: 'Lukk',
    error: 'Beklager, det gikk ikke. Prøv igjen senere.',
    closed: 'Denne undersøkelsen er avsluttet.',
    unsubscribe: 'Meld deg av disse undersøkelsene',
    unsubscribed: 'Du får ikke lenger undersøkelsene våre på e-post.',
    reminder: 'Påminnelse',
    reviewAsk: 'Så hyggelig å høre! Vil du si det i en offentlig anmeldelse?',
    reviewLink: 'Skriv en anmeldelse',
  },
}
