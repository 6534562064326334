import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll } from 'vitest'
import { smtpMailer } from '../../src/mail/mailer.ts'

/**
 * A real SMTP server on loopback for one test file, and a mailer sending from `from` through it; what it took is in
 * `received`. Addresses at bounce.test are refused for good (550), as a mailbox that does not exist. Closed in afterAll.
 */
export async function startSmtp(from: string) {
  const received: ParsedMail[] = []
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, done) {
      if (address.address.endsWith('@bounce.test')) return done(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }))
      done()
    },
    onData(stream, _session, done) {
      simpleParser(stream).then((m) => {
        received.push(m)
        done()
      }, done)
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  const mailer = smtpMailer(`smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`, from)
  afterAll(async () => {
    mailer.close()
    await new Promise<void>((resolve) => smtp.close(resolve))
  })
  return { received, mailer }
}
