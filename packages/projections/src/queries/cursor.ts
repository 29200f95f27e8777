/**
 * List cursors: opaque to callers, base64url of the last key returned (startedAt, telephonySessionId).
 * The next page is everything after that key in list order, so a cursor stays valid while sessions are added.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { SessionKey } from '../readmodel-port.js'

export const encodeCursor = (key: SessionKey): string =>
  Buffer.from(JSON.stringify([key.startedAt, key.telephonySessionId]), 'utf8').toString('base64url')

export const decodeCursor = (cursor: string): E.Either<string, SessionKey> => {
  const bad = E.left(`not a cursor from this list: "${cursor}"`)
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return bad
  }
  if (!Array.isArray(value) || value.length !== 2) return bad
  const [startedAt, telephonySessionId] = value
  return typeof startedAt === 'string' && typeof telephonySessionId === 'string'
    ? E.right({ startedAt, telephonySessionId })
    : bad
}
