// Apart from the SMTP mailer, so code the Worker bundles can tell a refusal without pulling in nodemailer.

/** The mail server answered 5xx: this recipient or message will not be taken, so retrying is pointless. */
export class MailRefused extends Error {}
