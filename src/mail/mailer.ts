import nodemailer from 'nodemailer'
import { MailRefused } from './refused.ts'

export interface MailMessage {
  to: string
  subject: string
  html: string
  text: string
  headers: Record<string, string>
}

/** Sends one message; throws MailRefused when the server turned it down for good. */
export interface Mailer {
  send(message: MailMessage): Promise<void>
  close(): void
}

/** An SMTP mailer (nodemailer) for `smtp://` or `smtps://user:password@host:port` URLs. */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url)
  return {
    async send(m) {
      try {
        await transport.sendMail({ from, to: m.to, subject: m.subject, html: m.html, text: m.text, headers: m.headers })
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode
        if (code !== undefined && code >= 500) throw new MailRefused((err as Error).message)
        throw err
      }
    },
    close: () => transport.close(),
  }
}
