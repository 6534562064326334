// CPU time of this process and of a local PostgreSQL, so a bench can report
// the cost per row even when the shared machine's load bends wall time.
import { readdirSync, readFileSync } from 'node:fs'
import type { Sql } from '../src/db/sql.ts'

/** [pid, ppid, CPU ms] of every process, from /proc (Linux). */
function processCpu(): [number, number, number][] {
  const out: [number, number, number][] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // Fields after the command name: state ppid … utime(12th) stime(13th), in clock ticks (100/s).
      const f = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')
      out.push([Number(entry), Number(f[1]), (Number(f[11]) + Number(f[12])) * 10])
    } catch {
      // the process ended while being read
    }
  }
  return out
}

/** The postmaster serving `sql`, if it is a local process we can see. */
export async function findPostmaster(sql: Sql): Promise<number | undefined> {
  const [{ pid }] = await sql<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`
  try {
    const [, comm, rest] = /^\d+ \((.*)\) (.*)$/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8').trim())!
    return comm.startsWith('postgres') ? Number(rest.split(' ')[1]) : undefined
  } catch {
    return undefined
  }
}

/** CPU ms used so far by the postmaster and all its children, or undefined when PostgreSQL isn't on this machine. */
export function postgresCpuMs(postmaster: number | undefined): number | undefined {
  if (postmaster === undefined) return undefined
  let ms = 0
  for (const [pid, ppid, cpu] of processCpu()) if (pid === postmaster || ppid === postmaster) ms += cpu
  return ms
}

/** CPU ms used so far by process `pid`, or undefined once it has gone. */
export function processCpuMs(pid: number): number | undefined {
  return processCpu().find(([p]) => p === pid)?.[2]
}

/** CPU ms this process has used so far. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
