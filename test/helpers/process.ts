import { spawn, type ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import net from 'node:net'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export interface Started {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
  /** Signals the whole process group, so grandchildren (workerd, postgres) go too. */
  killGroup: (signal?: NodeJS.Signals) => void
}

/** Runs a command in its own process group with env, collecting output. */
export function run(cmd: string, args: string[], env: Record<string, string | undefined>): Started {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const killGroup = (signal: NodeJS.Signals = 'SIGTERM') => {
    try {
      process.kill(-child.pid!, signal)
    } catch {
      // already gone
    }
  }
  return { child, output: () => out, exited, killGroup }
}

export async function waitFor(started: Started, pattern: RegExp, limitMs = 90_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + limitMs
  for (;;) {
    const m = started.output().match(pattern)
    if (m) return m
    if (started.child.exitCode !== null) throw new Error(`exited early: ${started.output()}`)
    if (Date.now() > deadline) throw new Error(`no ${pattern} in: ${started.output()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** PIDs of processes whose command line mentions `needle`. */
export function processesMentioning(needle: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', '--', needle], { encoding: 'utf8' }).split('\n').filter(Boolean)
  } catch {
    return []
  }
}

/** Waits (bounded) until no process mentions `needle`; returns the ones still there. */
export async function survivors(needle: string, limitMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + limitMs
  let left = processesMentioning(needle)
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    left = processesMentioning(needle)
  }
  return left
}
