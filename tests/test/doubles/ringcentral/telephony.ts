/**
 * TEST DOUBLE of the RingCentral platform: the REST snapshots a connector reconciles with (CONNECT.md section 5).
 * `GET /restapi/v1.0/account/~/telephony/sessions/{id}` answers the flat body (guide and current spec shape) of a
 * session the test set, and 404 once it ended or if it never existed (the 404 body is undocumented; the double
 * answers CMN-102). `GET .../extension/{id}/presence` answers the presence body the test set, or an idle one.
 */
import { apiError, iso, type Reply } from './wire.js'
import type { Identity } from './filters.js'

export interface SessionExtra {
  readonly creationTime?: string
  readonly origin?: unknown
  readonly [field: string]: unknown
}

export class Telephony {
  private readonly sessions = new Map<string, Record<string, unknown>>()
  private readonly presence = new Map<string, Record<string, unknown>>()

  constructor(private readonly identity: Identity) {}

  setSession(id: string, parties: readonly unknown[], extra: SessionExtra = {}): void {
    this.sessions.set(id, {
      id,
      creationTime: extra.creationTime ?? iso(Date.now()),
      origin: extra.origin ?? { type: 'Call' },
      ...extra,
      parties: [...parties]
    })
  }

  endSession(id: string): void {
    this.sessions.delete(id)
  }

  setPresence(extensionId: string, body: Record<string, unknown>): void {
    this.presence.set(extensionId, body)
  }

  /** Routes a GET path; undefined when the path is not one of these resources. */
  get(path: string, query: URLSearchParams, baseUrl: string): Reply | undefined {
    const account = `(?:~|${this.identity.accountId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`
    const session = new RegExp(`^/restapi/v1\\.0/account/${account}/telephony/sessions/([^/]+)$`).exec(path)
    if (session !== null) {
      const body = this.sessions.get(decodeURIComponent(session[1] ?? ''))
      return body === undefined
        ? apiError(404, 'CMN-102', 'Resource for parameter [telephonySessionId] is not found', {
            parameterName: 'telephonySessionId'
          })
        : { status: 200, body }
    }
    const presence = new RegExp(`^/restapi/v1\\.0/account/${account}/extension/([^/]+)/presence$`).exec(path)
    if (presence === null) return undefined
    const extensionId = presence[1] === '~' ? this.identity.extensionId : (presence[1] ?? '')
    const detailed = query.get('detailedTelephonyState') === 'true'
    const uri = `${baseUrl}/restapi/v1.0/account/${this.identity.accountId}/extension/${extensionId}/presence`
    const stored = this.presence.get(extensionId) ?? {
      uri,
      extension: { uri: uri.replace(/\/presence$/, ''), id: Number(extensionId) },
      presenceStatus: 'Available',
      telephonyStatus: 'NoCall',
      userStatus: 'Available',
      dndStatus: 'TakeAllCalls',
      activeCalls: []
    }
    if (detailed) return { status: 200, body: stored }
    const { activeCalls: _activeCalls, ...simple } = stored
    return { status: 200, body: simple }
  }
}
