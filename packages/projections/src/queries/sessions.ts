/**
 * `sessions` and the active-calls query: sessions newest first (by start time), paged with an opaque cursor.
 *
 * The read model narrows the candidates in SQL (extension, not ended, started by `at`); the exact answer is
 * then decided per session in code, because it depends on the query instant (stale, `at`) or on what was
 * received by `knownAt`. So a page may need several read-model pages; the cursor is the key of the last
 * session returned, and the next call continues after it.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { SessionKey } from '../readmodel-port.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import { invalidQuery, type QueryFailure, type QueryTime } from './failure.js'
import { baseState, checkTime, readRow, stateAt, type QueryDeps } from './session.js'
import { sessionSummary, type SessionSummary } from './view.js'
import { instantMs } from '../time.js'

export interface ListOptions extends QueryTime {
  /** Only calls not ended and not stale at `now` (or `at`). */
  readonly active?: boolean
  readonly extensionId?: string
  readonly limit?: number
  readonly cursor?: string
}

export interface SessionPage {
  readonly items: ReadonlyArray<SessionSummary>
  /** Pass as `cursor` for the next page; null when this page reached the end. */
  readonly nextCursor: string | null
}

export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 10_000

export const listSessions =
  (deps: QueryDeps, options: ListOptions): TE.TaskEither<QueryFailure, SessionPage> =>
  async () => {
    const checked = checkTime(options)
    if (E.isLeft(checked)) return checked
    const time = checked.right
    const limit = options.limit ?? DEFAULT_LIMIT
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      return E.left(invalidQuery(`limit must be an integer from 1 to ${MAX_LIMIT}`))
    let after: SessionKey | undefined
    if (options.cursor !== undefined) {
      const c = decodeCursor(options.cursor)
      if (E.isLeft(c)) return E.left(invalidQuery(c.left))
      after = c.right
    }
    const { at, knownAt } = time
    const active = options.active === true
    // Not stale at `at`/now needs an event after the stale cutoff; the stored last event is the latest of all,
    // so this filter never drops a session that is live then, even with --known-at.
    const staleCutoff = new Date(Date.parse(at ?? time.now) - time.staleAfterMs).toISOString()
    // Stored status and end are "as of everything received": usable as filters only without knownAt.
    const sqlFilter = {
      ...(options.extensionId !== undefined ? { extensionId: options.extensionId } : {}),
      ...(at !== undefined ? { startedAtOrBefore: at } : {}),
      ...(active && knownAt === undefined ? (at === undefined ? { notEnded: true } : { openAt: at }) : {}),
      ...(active ? { lastEventAfter: staleCutoff } : {}),
      // A session none of whose telephony notifications had been received by then is not known then.
      ...(knownAt !== undefined ? { knownBy: instantMs(knownAt) ?? -Infinity } : {})
    }
    const pageSize = Math.min(Math.max(limit * 2, 100), 1000)
    const items: SessionSummary[] = []
    let lastKey: SessionKey | undefined
    for (;;) {
      const rows = readRow(() =>
        deps.readModels.listSessions({ ...sqlFilter, ...(after !== undefined ? { after } : {}), limit: pageSize })
      )
      if (E.isLeft(rows)) return rows
      for (const row of rows.right) {
        const base = await baseState(deps, row.telephonySessionId, time, row)()
        if (E.isLeft(base)) return base
        const found = base.right === undefined ? undefined : stateAt(base.right, time)
        if (found === undefined) continue
        if (active && (found.status === 'ended' || found.status === 'stale')) continue
        items.push(sessionSummary(found.state, found.status))
        lastKey = { startedAt: row.startedAt ?? '', telephonySessionId: row.telephonySessionId }
        if (items.length === limit) return E.right({ items, nextCursor: encodeCursor(lastKey) })
      }
      const last = rows.right[rows.right.length - 1]
      if (rows.right.length < pageSize || last === undefined) return E.right({ items, nextCursor: null })
      after = { startedAt: last.startedAt ?? '', telephonySessionId: last.telephonySessionId }
    }
  }

/** Calls in progress at `now` (or `at`): not ended and not stale. `GET /calls/active`. */
export const activeCalls = (
  deps: QueryDeps,
  options: Omit<ListOptions, 'active'>
): TE.TaskEither<QueryFailure, SessionPage> => listSessions(deps, { ...options, active: true })
