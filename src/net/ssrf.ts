import { UpstreamError } from './errors.ts'

/** Resolves a hostname to its addresses; injected by the Node entry (node:dns), absent on Workers. */
export type LookupHost = (hostname: string) => Promise<string[]>

export interface UrlPolicy {
  allowPrivate: boolean
  lookup?: LookupHost
}

const BLOCKED_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i

function parseIPv4(host: string): number[] | undefined {
  const parts = host.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined
  const nums = parts.map(Number)
  return nums.every((n) => n <= 255) ? nums : undefined
}

function isPrivateIPv4([a, b]: number[]): boolean {
  return (
    a === 0 || a === 10 || a === 127 || a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19))
  )
}

/** The eight 16-bit groups of an IPv6 address (IPv4-mapped tails included), or undefined when it is not one. */
export function expandIPv6(host: string): number[] | undefined {
  let h = host.toLowerCase()
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(h)
  if (v4) {
    const n = parseIPv4(v4[1])
    if (!n) return undefined
    h = h.slice(0, -v4[1].length) + `${((n[0] << 8) | n[1]).toString(16)}:${((n[2] << 8) | n[3]).toString(16)}`
  }
  const [head, tail, ...rest] = h.split('::')
  if (rest.length) return undefined
  const parse = (s: string) => (s ? s.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)) : [])
  const left = parse(head)
  const right = tail === undefined ? [] : parse(tail)
  const fill = tail === undefined ? 0 : 8 - left.length - right.length
  const groups = [...left, ...Array(Math.max(fill, 0)).fill(0), ...right]
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : undefined
}

function isPrivateIPv6(g: number[]): boolean {
  const allZeroUntil = (n: number) => g.slice(0, n).every((x) => x === 0)
  if (allZeroUntil(7) && (g[7] === 0 || g[7] === 1)) return true
  if (allZeroUntil(5) && g[5] === 0xffff) return isPrivateIPv4([g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255])
  if (g[0] === 0x64 && g[1] === 0xff9b) return isPrivateIPv4([g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255])
  return (g[0] & 0xffc0) === 0xfe80 || (g[0] & 0xfe00) === 0xfc00 || (g[0] & 0xff00) === 0xff00
}

/** True for loopback, private, link-local, unique-local, CGNAT, multicast and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, '')
  const v4 = parseIPv4(host)
  if (v4) return isPrivateIPv4(v4)
  const v6 = host.includes(':') ? expandIPv6(host) : undefined
  return v6 ? isPrivateIPv6(v6) : false
}

const isIpLiteral = (host: string) => parseIPv4(host) !== undefined || host.startsWith('[')

const refuse = (url: URL, why: string) =>
  new UpstreamError(`refusing ${url.origin}: ${why} (set EARSHOT_ALLOW_PRIVATE_URLS to allow)`, { permanent: true })

/** Throws unless `raw` is an http(s) URL whose host is public, checking literal addresses and names only. */
export function assertPublicUrlSyntax(raw: string, policy: UrlPolicy): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UpstreamError(`not a URL: ${raw.slice(0, 200)}`, { permanent: true })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UpstreamError(`only http(s) URLs are allowed: ${url.protocol}`, { permanent: true })
  if (policy.allowPrivate) return url
  if (isPrivateAddress(url.hostname)) throw refuse(url, 'private or loopback address')
  if (BLOCKED_NAMES.test(url.hostname)) throw refuse(url, 'local host name')
  return url
}

/** Like assertPublicUrlSyntax, and also resolves the name when a resolver was injected and refuses private answers. */
export async function assertPublicUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  const url = assertPublicUrlSyntax(raw, policy)
  if (policy.allowPrivate || !policy.lookup || isIpLiteral(url.hostname)) return url
  let addresses: string[]
  try {
    addresses = await policy.lookup(url.hostname)
  } catch {
    throw new UpstreamError(`cannot resolve ${url.hostname}`)
  }
  if (addresses.some(isPrivateAddress)) throw refuse(url, `${url.hostname} resolves to a private address`)
  return url
}
