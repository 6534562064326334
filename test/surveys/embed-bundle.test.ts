import { describe, expect, it } from 'vitest'
import { buildEmbed } from '../../scripts/build-embed.ts'
import { EMBED_JS } from '../../src/embed/bundle.ts'

describe('embed bundle', () => {
  it('is the current build of widget.ts (run `npm run build:embed` after editing it)', async () => {
    expect(EMBED_JS).toBe(await buildEmbed())
  })
})
