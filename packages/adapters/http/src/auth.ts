/**
 * Token checks for the webhook (RingCentral's verification token) and the query API (a bearer token).
 * Both compare in constant time: the tokens are hashed first so `timingSafeEqual` always sees two buffers of
 * the same length, and neither the content nor the length of the secret leaks through response timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

/** True when `presented` equals `expected`, compared in constant time. */
export const tokenMatches = (expected: string, presented: string | undefined): boolean =>
  presented !== undefined && timingSafeEqual(digest(expected), digest(presented))

/** A header's single value; a header sent twice (node gives an array) is not a usable token. */
export const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name]
  return typeof value === 'string' ? value : undefined
}

/**
 * The token a notification carries. RingCentral sends the subscription's token in `Verification-Token`;
 * some of its documentation calls it `Validation-Token`, so that header is accepted when the first is absent.
 */
export const presentedVerificationToken = (headers: IncomingHttpHeaders): string | undefined =>
  headerValue(headers, 'verification-token') ?? headerValue(headers, 'validation-token')

/** The token of `Authorization: Bearer <token>`, if the header has that form. */
export const bearerToken = (headers: IncomingHttpHeaders): string | undefined => {
  const value = headerValue(headers, 'authorization')
  const match = value === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(value)
  return match?.[1]
}
