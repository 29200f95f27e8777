/**
 * TEST DOUBLE of the RingCentral platform: the log of everything clients sent it. Headers and bodies are kept
 * exactly as received (nothing redacted) so a connector's tests can check where its secrets went: the client
 * secret only in the Basic header of /restapi/oauth/*, the JWT only in the token form, never a token in a path
 * other than the WebSocket upgrade. Tests must not print these entries.
 */
import type { IncomingMessage } from 'node:http'
import type { RateGroup } from './rate-limits.js'

export type Transport = 'http' | 'ws-upgrade' | 'ws'

export interface LoggedRequest {
  readonly seq: number
  readonly at: string
  readonly transport: Transport
  /** HTTP method; for WebSocket frames the ClientRequest method, or the frame type (`Heartbeat`, ...). */
  readonly method: string
  /** Path with its query string, as received. */
  readonly path: string
  /** Header names lower-cased (node does), values untouched. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly rateLimitGroup: RateGroup | undefined
  /** Status answered (HTTP status, the ClientRequest reply status, 101 for an accepted upgrade). */
  readonly status: number | undefined
}

export interface RequestFilter {
  readonly transport?: Transport
  readonly method?: string
  /** Matches when the path (without query) equals it, or when it is a RegExp matching the whole path. */
  readonly path?: string | RegExp
}

export const headersOf = (req: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}

type Entry = { -readonly [K in keyof LoggedRequest]: LoggedRequest[K] }

export class RequestLog {
  private readonly entries: Entry[] = []

  add(entry: Omit<LoggedRequest, 'seq' | 'at' | 'status'>): (status: number) => void {
    const stored: Entry = { ...entry, seq: this.entries.length + 1, at: new Date().toISOString(), status: undefined }
    this.entries.push(stored)
    return (status) => {
      stored.status = status
    }
  }

  list(filter: RequestFilter = {}): readonly LoggedRequest[] {
    return this.entries.filter((entry) => matches(entry, filter)).map((entry) => ({ ...entry }))
  }

  count(filter: RequestFilter = {}): number {
    return this.entries.filter((entry) => matches(entry, filter)).length
  }
}

const matches = (entry: LoggedRequest, filter: RequestFilter): boolean => {
  if (filter.transport !== undefined && entry.transport !== filter.transport) return false
  if (filter.method !== undefined && entry.method.toUpperCase() !== filter.method.toUpperCase()) return false
  if (filter.path === undefined) return true
  const path = entry.path.split('?')[0] ?? ''
  return typeof filter.path === 'string' ? path === filter.path : filter.path.test(entry.path)
}
