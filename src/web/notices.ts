import type { Context } from 'hono'

// Redirects after a form post name what happened with a fixed code, so no
// caller-chosen text is ever shown as if the app had said it.
const NOTICES: Record<string, string> = {
  'survey-created': 'Survey created. Paste the snippet into your site to start collecting answers.',
  'survey-saved': 'Survey saved.',
  'mention-updated': 'Mention updated.',
  'note-added': 'Note added.',
  'author-erased': 'Everything that author said here is erased.',
  'saved-reply-saved': 'Saved reply saved.',
  'saved-reply-deleted': 'Saved reply deleted.',
  'response-replied': 'E-mail sent to the respondent.',
  'response-linked': 'Answer linked to the ticket: it counts in the ticket\'s evidence.',
  'translated': 'Translated by machine: the translation is under the text.',
  'reply-sent': 'Reply posted at the source.',
  'reply-failed': 'The source did not take the reply; it is listed under Replies with the reason, and the form holds its text to try again.',
  'bulk-done': 'Done.',
  'source-created': 'Source created.',
  'source-saved': 'Source saved.',
  'source-ran': 'Source ran.',
  'ticket-created': 'Ticket created.',
  'ticket-saved': 'Ticket saved.',
  'customer-saved': 'Customer saved.',
  'view-saved': 'View saved.',
  'view-deleted': 'View deleted.',
  'alert-created': 'Alert created. Spikes and shares are checked on every scheduler tick, matching mentions as they are stored.',
  'alert-saved': 'Alert saved.',
  'alert-deleted': 'Alert deleted.',
  'webhook-saved': 'Webhook saved.',
  'webhook-deleted': 'Webhook deleted.',
  'webhook-tested': 'Test event queued: it goes out within seconds; the webhook\'s health shows how it went.',
  'settings-saved': 'Settings saved.',
  'key-revoked': 'API key revoked.',
  'rule-created': 'Rule created. It acts on mentions that come in from now on.',
  'rule-saved': 'Rule saved.',
  'rule-applied': 'Rule applied to the mentions already stored that it matches.',
  'rule-deleted': 'Rule deleted.',
  'sso-saved': 'Single sign-on saved.',
  'sso-deleted': 'Single sign-on turned off; members who signed in with it were signed out.',
  'member-saved': 'Member saved.',
}

export const noticeOf = (c: Context): string | undefined => NOTICES[c.req.query('notice') ?? '']
