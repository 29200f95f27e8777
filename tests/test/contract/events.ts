/**
 * Events for the store contract, made from the real captures in the shared payloads directory exactly as they
 * are: the data is the envelope's JSON text, the content hash is sha256 of its canonical JSON, as the importer
 * computes it. Ids are fresh UUIDs for each call, so every test writes events no store has seen.
 */
import { createHash, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { canonicalJson } from '@callstate/domain'
import type { EventType, NewEvent } from '@callstate/projections'

const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`

const envelopes = (file: string): ReadonlyArray<unknown> => {
  const parsed: unknown = JSON.parse(fs.readFileSync(path.join(PAYLOADS, file), 'utf8'))
  if (!Array.isArray(parsed)) throw new Error(`${file} is not an array of envelopes`)
  return parsed
}

const text = (value: unknown, key: string): string | undefined => {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined
  const field: unknown = Reflect.get(value, key)
  return typeof field === 'string' ? field : undefined
}

const typeOf = (event: string | undefined): EventType =>
  event === undefined
    ? 'UnknownNotification'
    : event.endsWith('/telephony/sessions')
      ? 'TelephonySessionNotification'
      : event.includes('detailedTelephonyState=true')
        ? 'DetailedPresenceNotification'
        : event.endsWith('/message-store')
          ? 'MessageStoreNotification'
          : 'UnknownNotification'

/** A stored-to-be event for the envelope at `index` of `file`, with every optional metadata field set. */
const fromCapture = (file: string, index: number, envelope: unknown): NewEvent => ({
  id: randomUUID(),
  type: typeOf(text(envelope, 'event')),
  data: JSON.stringify(envelope),
  metadata: {
    receivedAt: '2024-05-01T10:00:00.000Z',
    source: 'import-file',
    sourceRef: `${file}:${index + 1}`,
    contentHash: createHash('sha256').update(canonicalJson(envelope)).digest('hex'),
    transport: 'webhook',
    ...(text(envelope, 'uuid') === undefined ? {} : { uuid: text(envelope, 'uuid') })
  }
})

/** The nine events of an internal call (answered, hold, unhold, hang-up), in arrival order. */
export const internalCall = (): ReadonlyArray<NewEvent> => {
  const file = '02-rc-to-rc-internal-answered-hold-unhold-hangup.json'
  return envelopes(file).map((e, i) => fromCapture(file, i, e))
}

/** Detailed presence ringing -> NoCall, then the voicemail's message-store event. */
export const unansweredToVoicemail = (): ReadonlyArray<NewEvent> => {
  const file = '09-inbound-unanswered-to-voicemail-presence-plus-message-store.json'
  return envelopes(file).map((e, i) => fromCapture(file, i, e))
}

/** An event with only the required metadata: absent optional fields must stay absent after a round trip. */
export const bareWebhookEvent = (): NewEvent => {
  const envelope = envelopes('01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json')[0]
  return {
    id: randomUUID(),
    type: 'TelephonySessionNotification',
    data: JSON.stringify(envelope),
    metadata: {
      receivedAt: '2024-05-01T10:00:01.000Z',
      source: 'webhook',
      contentHash: createHash('sha256').update(canonicalJson(envelope)).digest('hex')
    }
  }
}

/** A stream name no other test uses (a shared server may outlive one test). */
export const freshStream = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`
