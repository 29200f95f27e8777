/** Reading a PresenceUpdate back from `rm_presence.fact`, checked with io-ts (store data is never cast). */
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { PresenceUpdate } from '@callstate/domain'

const StrOrNull = t.union([t.string, t.null])

const PresenceCall = t.type({
  id: t.string,
  telephonySessionId: StrOrNull,
  sessionId: StrOrNull,
  partyId: StrOrNull,
  telephonyStatus: StrOrNull,
  terminationType: StrOrNull
})

export const StoredPresenceUpdate = t.type(
  {
    extensionId: t.string,
    sequence: t.union([t.number, t.null]),
    at: StrOrNull,
    telephonyStatus: StrOrNull,
    presenceStatus: StrOrNull,
    userStatus: StrOrNull,
    dndStatus: StrOrNull,
    meetingStatus: StrOrNull,
    activeCalls: t.array(PresenceCall)
  },
  'PresenceUpdate'
)

const asUpdate = (u: t.TypeOf<typeof StoredPresenceUpdate>): PresenceUpdate => u

export const parseStoredFact = (text: string): E.Either<string, PresenceUpdate> =>
  pipe(
    E.tryCatch(
      (): unknown => JSON.parse(text),
      (e) => `presence fact is not JSON: ${String(e)}`
    ),
    E.flatMap((json) =>
      pipe(
        StoredPresenceUpdate.decode(json),
        E.bimap(() => 'presence fact does not fit the PresenceUpdate shape: run `callstate rebuild`', asUpdate)
      )
    )
  )
