/**
 * `callstate serve` options as typed values: each flag (or its environment variable, which commander reads)
 * is checked here once, and a bad value is a usage message naming the flag, not a crash later.
 */
import * as E from 'fp-ts/lib/Either.js'
import { DEFAULT_STALE_AFTER_MS, parseDuration } from '@callstate/projections'

export const DEFAULTS = {
  /**
   * Loopback by default. RingCentral only delivers to HTTPS URLs, so callstate (plain HTTP) sits behind a TLS
   * terminator (reverse proxy, tunnel, load balancer) that usually runs on the same host; binding every
   * interface would expose an unauthenticated receiver by accident. Containers set CALLSTATE_HOST=0.0.0.0.
   */
  host: '127.0.0.1',
  port: 8080,
  webhookPath: '/webhook',
  bodyLimit: 1024 * 1024,
  staleAfterMs: DEFAULT_STALE_AFTER_MS,
  logLevel: 'info'
} as const

/**
 * Bounds on what one client can hold (docs/server.md, "Limits and timeouts"). Every phase of a connection has
 * one: receiving the headers, receiving the whole request, sitting idle between requests, not reading an
 * answer, not reading the feed. Milliseconds unless said otherwise.
 */
export interface ClientLimits {
  /** The request line and headers must arrive within this (slow-header clients are answered 408 and closed). */
  readonly headersTimeoutMs: number
  /** The whole request (headers and body) must arrive within this (slow-body clients: 408 and closed). */
  readonly requestTimeoutMs: number
  /** A kept-alive connection with no request for this long is closed. */
  readonly keepAliveTimeoutMs: number
  /** A connection with no byte read or written for this long is closed (an answer nobody reads). */
  readonly idleTimeoutMs: number
  /** How often the server looks for connections past the headers and request timeouts. */
  readonly checkIntervalMs: number
  /** A `/feed` client whose socket has not drained for this long is dropped (it resumes with Last-Event-ID). */
  readonly feedStallMs: number
  /** After a 413, up to this many more body bytes are read and discarded, so the client sees the answer. */
  readonly discardBytes: number
}

export const CLIENT_LIMITS: ClientLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 72_000,
  idleTimeoutMs: 120_000,
  checkIntervalMs: 1_000,
  feedStallMs: 30_000,
  discardBytes: 64 * 1024 * 1024
}

export interface ServeFlags {
  readonly host: string
  readonly port: number
  readonly webhookPath: string
  readonly bodyLimit: number
  readonly staleAfterMs: number
  readonly logLevel: string
  readonly verificationToken?: string
  readonly apiToken?: string
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** `1048576`, `512kb`, `1mb` (KiB/MiB: 1024-based). */
export const parseByteSize = (value: string): E.Either<string, number> => {
  const m = /^\s*(\d+)\s*(b|kb|k|mb|m)?\s*$/i.exec(value)
  const amount = m?.[1]
  if (m === null || amount === undefined) return E.left(`not a size: "${value}" (use bytes, or e.g. 512kb, 1mb)`)
  const unit = (m[2] ?? 'b').toLowerCase()
  const n = Number(amount) * (unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1)
  return n > 0 && Number.isSafeInteger(n) ? E.right(n) : E.left(`size must be positive: "${value}"`)
}

const parsePort = (value: string): E.Either<string, number> => {
  const n = /^\d+$/.test(value) ? Number(value) : NaN
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? E.right(n) : E.left(`not a port: "${value}" (0-65535)`)
}

/** Commander's parsed options (untyped) -> checked flags, or the first problem as `--flag: why`. */
export const parseServeFlags = (o: Record<string, unknown>): E.Either<string, ServeFlags> => {
  const problem = (flag: string) => (why: string) => `--${flag}: ${why}`
  const port = text(o['port']) === undefined ? E.right(DEFAULTS.port) : parsePort(String(o['port']))
  const bodyLimit =
    text(o['bodyLimit']) === undefined ? E.right(DEFAULTS.bodyLimit) : parseByteSize(String(o['bodyLimit']))
  const staleAfterMs =
    text(o['staleAfter']) === undefined ? E.right(DEFAULTS.staleAfterMs) : parseDuration(String(o['staleAfter']))
  const webhookPath = text(o['webhookPath']) ?? DEFAULTS.webhookPath
  const logLevel = text(o['logLevel']) ?? DEFAULTS.logLevel
  if (E.isLeft(port)) return E.left(problem('port')(port.left))
  if (E.isLeft(bodyLimit)) return E.left(problem('body-limit')(bodyLimit.left))
  if (E.isLeft(staleAfterMs)) return E.left(problem('stale-after')(staleAfterMs.left))
  if (!webhookPath.startsWith('/')) return E.left(problem('webhook-path')(`must start with "/": "${webhookPath}"`))
  if (!LOG_LEVELS.some((l) => l === logLevel))
    return E.left(problem('log-level')(`one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`))
  const verificationToken = text(o['verificationToken'])
  const apiToken = text(o['apiToken'])
  return E.right({
    host: text(o['host']) ?? DEFAULTS.host,
    port: port.right,
    webhookPath,
    bodyLimit: bodyLimit.right,
    staleAfterMs: staleAfterMs.right,
    logLevel,
    ...(verificationToken !== undefined ? { verificationToken } : {}),
    ...(apiToken !== undefined ? { apiToken } : {})
  })
}
