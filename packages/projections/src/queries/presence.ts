/**
 * `presence <extensionId>`: the extension's presence timeline (from the stored facts, built at query time by
 * the domain's `presenceTimeline`), optionally cut to [from, to]; with `at`, the presence at that instant.
 * With `knownAt`, the facts are folded from the log instead, keeping only what had been received by then.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import {
  presenceAt,
  presenceTimeline,
  presenceUpdate,
  type PresenceInterval,
  type PresenceUpdate
} from '@callstate/domain'
import { streams } from '../port.js'
import { parseStoredFact } from '../presence/stored-fact.js'
import { instantMs, isoTime } from '../time.js'
import { invalidQuery, notFound, readModelFailure, type QueryFailure } from './failure.js'
import { knownNotifications } from './known-at.js'
import type { QueryDeps } from './session.js'

export interface PresenceIntervalView {
  readonly from: string | null
  readonly to: string | null
  readonly telephonyStatus: string | null
  readonly presenceStatus: string | null
  readonly userStatus: string | null
  readonly dndStatus: string | null
  readonly meetingStatus: string | null
}

export interface PresenceTimelineView {
  readonly extensionId: string
  readonly intervals: ReadonlyArray<PresenceIntervalView>
}

export interface PresenceAtView {
  readonly extensionId: string
  readonly at: string
  readonly telephonyStatus: string | null
  readonly presenceStatus: string | null
  readonly userStatus: string | null
  readonly dndStatus: string | null
  readonly meetingStatus: string | null
}

export interface PresenceOptions {
  readonly from?: string
  readonly to?: string
  readonly knownAt?: string
}

const view = (i: PresenceInterval): PresenceIntervalView => ({
  from: isoTime(i.from),
  to: isoTime(i.to),
  telephonyStatus: i.telephonyStatus,
  presenceStatus: i.presenceStatus,
  userStatus: i.userStatus,
  dndStatus: i.dndStatus,
  meetingStatus: i.meetingStatus
})

const badTime = (options: PresenceOptions & { readonly at?: string }): QueryFailure | undefined => {
  for (const [name, v] of Object.entries(options))
    if (typeof v === 'string' && instantMs(v) === null) return invalidQuery(`--${name} is not an ISO 8601 time: "${v}"`)
  return undefined
}

const updates = (
  deps: QueryDeps,
  extensionId: string,
  knownAt: string | undefined
): TE.TaskEither<QueryFailure, ReadonlyArray<PresenceUpdate>> => {
  if (knownAt !== undefined)
    return pipe(
      knownNotifications(deps.store, streams.presence(extensionId), knownAt),
      TE.map((ns) =>
        ns.flatMap((n) => (n.kind === 'presence' || n.kind === 'detailed-presence' ? [presenceUpdate(n)] : []))
      )
    )
  return TE.fromEither(
    pipe(
      E.tryCatch(() => deps.readModels.presence(extensionId), readModelFailure),
      E.flatMap((rows) =>
        pipe(
          rows.map((r) => parseStoredFact(r.fact)),
          E.sequenceArray,
          E.mapLeft(readModelFailure)
        )
      )
    )
  )
}

const timeline = (
  deps: QueryDeps,
  extensionId: string,
  knownAt: string | undefined
): TE.TaskEither<QueryFailure, PresenceInterval[]> =>
  pipe(
    updates(deps, extensionId, knownAt),
    TE.flatMap((us) =>
      us.length === 0
        ? TE.left(notFound(`no presence known for extension ${extensionId}${knownAt ? ` (known at ${knownAt})` : ''}`))
        : TE.right(presenceTimeline(us))
    )
  )

/** Intervals overlapping [from, to] (either end open), whole (not clipped). */
export const queryPresence = (
  deps: QueryDeps,
  extensionId: string,
  options: PresenceOptions = {}
): TE.TaskEither<QueryFailure, PresenceTimelineView> => {
  const bad = badTime(options)
  if (bad !== undefined) return TE.left(bad)
  const from = options.from === undefined ? -Infinity : (instantMs(options.from) ?? -Infinity)
  const to = options.to === undefined ? Infinity : (instantMs(options.to) ?? Infinity)
  return pipe(
    timeline(deps, extensionId, options.knownAt),
    TE.map((intervals) => ({
      extensionId,
      intervals: intervals
        .filter((i) => {
          const start = i.from === null ? -Infinity : (instantMs(i.from) ?? -Infinity)
          const end = i.to === null ? Infinity : (instantMs(i.to) ?? Infinity)
          return start <= to && end > from
        })
        .map(view)
    }))
  )
}

export const queryPresenceAt = (
  deps: QueryDeps,
  extensionId: string,
  at: string,
  options: { readonly knownAt?: string } = {}
): TE.TaskEither<QueryFailure, PresenceAtView> => {
  const bad = badTime({ ...options, at })
  if (bad !== undefined) return TE.left(bad)
  return pipe(
    timeline(deps, extensionId, options.knownAt),
    TE.flatMap((intervals) => {
      const i = presenceAt(intervals, at)
      if (i === null) return TE.left(notFound(`no presence known for extension ${extensionId} at ${at}`))
      return TE.right({
        extensionId,
        at: isoTime(at) ?? at,
        telephonyStatus: i.telephonyStatus,
        presenceStatus: i.presenceStatus,
        userStatus: i.userStatus,
        dndStatus: i.dndStatus,
        meetingStatus: i.meetingStatus
      })
    })
  )
}
