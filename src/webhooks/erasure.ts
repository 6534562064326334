/** Why words were erased, as `mention.erased` and `survey_response.erased` tell webhooks. */
export const ERASURE_REASONS = ['customer', 'author', 'retention'] as const
export type ErasureReason = (typeof ERASURE_REASONS)[number]
