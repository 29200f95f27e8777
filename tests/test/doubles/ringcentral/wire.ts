/**
 * TEST DOUBLE of the RingCentral platform: shared wire helpers. JSON read from clients is `unknown` and is
 * looked at through the guards below (no casts); error bodies have the two shapes CONNECT.md section 1 shows:
 * the OAuth shape on the token endpoints and the `errorCode`/`errors[]` shape everywhere else.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import * as E from 'fp-ts/Either'

export type Json = unknown

/** What a handler answers; the server turns it into an HTTP response or a WebSocket `ClientRequest` reply. */
export interface Reply {
  readonly status: number
  readonly body?: Json
  readonly headers?: Readonly<Record<string, string>>
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const stringAt = (value: unknown, key: string): string | undefined => {
  if (!isRecord(value)) return undefined
  const found = value[key]
  return typeof found === 'string' ? found : undefined
}

export const numberAt = (value: unknown, key: string): number | undefined => {
  if (!isRecord(value)) return undefined
  const found = value[key]
  return typeof found === 'number' && Number.isFinite(found) ? found : undefined
}

export const recordAt = (value: unknown, key: string): Record<string, unknown> | undefined => {
  if (!isRecord(value)) return undefined
  const found = value[key]
  return isRecord(found) ? found : undefined
}

export const stringsAt = (value: unknown, key: string): readonly string[] | undefined => {
  if (!isRecord(value)) return undefined
  const found = value[key]
  if (!Array.isArray(found)) return undefined
  const strings = found.filter((item): item is string => typeof item === 'string')
  return strings.length === found.length ? strings : undefined
}

export const parseJson = (text: string): E.Either<string, Json> =>
  E.tryCatch(
    () => JSON.parse(text),
    (error) => `invalid JSON: ${error instanceof Error ? error.message : String(error)}`
  )

/** URL-safe, as rc-ex puts ws tokens in the query string without encoding them (CONNECT.md 2.1). */
export const newToken = (prefix: string): string => `${prefix}-${randomBytes(18).toString('base64url')}`

export const newId = (): string => randomUUID()

export const iso = (ms: number): string => new Date(ms).toISOString()

/** `{"errorCode":"CMN-101","message":"...","errors":[{"errorCode":"CMN-101","message":"..."}]}` */
export const apiError = (
  status: number,
  errorCode: string,
  message: string,
  extra: Record<string, string> = {}
): Reply => ({
  status,
  body: { errorCode, message, errors: [{ errorCode, message, ...extra }] }
})

/** `{"error":"invalid_client","error_description":"...","errors":[{"errorCode":"OAU-123","message":"..."}]}` */
export const oauthError = (status: number, error: string, errorCode: string, message: string): Reply => ({
  status,
  body: { error, error_description: message, errors: [{ errorCode, message }] }
})

/** A notification envelope as a webhook or a `ServerNotification` frame carries it (CONNECT.md 2.4). */
export interface Envelope {
  readonly uuid: string
  readonly event: string
  readonly timestamp: string
  readonly subscriptionId?: string
  readonly ownerId?: string
  readonly body: Json
  readonly [field: string]: Json
}

/** Decodes a capture (for example an element of /work/shared/payloads/01-*.json) into an envelope. */
export const decodeEnvelope = (value: unknown): E.Either<string, Envelope> => {
  if (!isRecord(value)) return E.left('an envelope is a JSON object')
  const uuid = stringAt(value, 'uuid')
  const event = stringAt(value, 'event')
  const timestamp = stringAt(value, 'timestamp')
  if (uuid === undefined) return E.left('envelope.uuid must be a string')
  if (event === undefined) return E.left('envelope.event must be a string')
  if (timestamp === undefined) return E.left('envelope.timestamp must be a string')
  if (!('body' in value)) return E.left('envelope.body is missing')
  return E.right({ ...value, uuid, event, timestamp, body: value['body'] })
}
