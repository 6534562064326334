import { freePort, run, survivors, waitFor } from './process.ts'

export interface Workerd {
  base: string
  output: () => string
  /** Stops wrangler and workerd; returns any process still running after it. */
  stop: () => Promise<string[]>
}

/**
 * Serves src/worker.ts in workerd (wrangler's local runtime) on free ports —
 * the inspector's too, so several test files can run one at the same time.
 */
export async function startWorkerd(vars: Record<string, string>, extraArgs: string[] = []): Promise<Workerd> {
  const port = await freePort()
  const inspector = await freePort()
  const varArgs = Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])
  const dev = run(
    'npx',
    ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), ...varArgs, '--show-interactive-dev-session=false', ...extraArgs],
    { WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1' },
  )
  const stop = async () => {
    dev.killGroup('SIGTERM')
    await dev.exited
    return survivors(`--port ${port}`)
  }
  try {
    await waitFor(dev, /Ready on http/, 90_000)
  } catch (e) {
    await stop()
    throw e
  }
  return { base: `http://127.0.0.1:${port}`, output: dev.output, stop }
}
