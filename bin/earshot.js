#!/usr/bin/env node
// Runs the TypeScript CLI directly; tsx is a runtime dependency.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli.ts')
