/**
 * Delivery noise on top of the clean stream, as DOMAIN.md describes real delivery: duplicates (the same
 * notification, same uuid, re-sent later), reordering within a small window, and malformed lines that
 * callstate must quarantine. Noise has its own PRNG, so changing a rate never changes the calls themselves
 * or the ground truth.
 */
import type { OutputFormat } from './options.js'
import type { Rng } from './prng.js'
import { numericUuid } from './prng.js'
import type { TelephonyEnvelope, WireEnvelope, WireNotification } from './render.js'
import { fnv } from './render.js'
import type { CallTruth } from './truth.js'

export type SimItem =
  | { readonly _tag: 'Notification'; readonly notification: WireNotification }
  | { readonly _tag: 'Truth'; readonly truth: CallTruth }

export type SimOutput =
  { readonly _tag: 'Line'; readonly text: string } | { readonly _tag: 'Truth'; readonly truth: CallTruth }

export interface NoiseRates {
  readonly duplicateRate: number
  readonly reorderRate: number
  readonly malformedRate: number
}

/** How far (in lines) a reordered notification may move. */
const REORDER_WINDOW = 4
/** How many lines later a duplicate may come back. */
const DUPLICATE_DELAY = 40

const requestId = (uuid: string): string => {
  const h = [1, 2, 3, 4].map((k) => fnv(uuid, k).toString(16).padStart(8, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-11ec-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

/** One line in the chosen transport: the envelope itself, or a WebSocket frame `[headers, envelope]` (capture 11). */
export const formatLine = (envelope: WireEnvelope, format: OutputFormat): string =>
  format === 'ndjson'
    ? JSON.stringify(envelope)
    : JSON.stringify([
        {
          type: 'ServerNotification',
          messageId: envelope.uuid,
          status: 200,
          headers: { RCRequestId: requestId(envelope.uuid) }
        },
        envelope
      ])

const withoutStatus = (env: TelephonyEnvelope, uuid: string): WireEnvelope => ({
  ...env,
  uuid,
  body: { ...env.body, parties: env.body.parties.map(({ status: _status, ...rest }) => rest) }
})

const withoutSessionId = (env: TelephonyEnvelope, uuid: string): WireEnvelope => {
  const { telephonySessionId: _id, ...body } = env.body
  return { ...env, uuid, body }
}

/** A broken line: truncated JSON, or a telephony event whose party lost its status or which lost its telephonySessionId. */
const malformed = (rng: Rng, n: WireNotification, format: OutputFormat): string => {
  const text = formatLine(n.envelope, format)
  const kind = n.kind === 'telephony-session' ? rng.int(0, 2) : 0
  if (n.kind !== 'telephony-session' || kind === 0) return text.slice(0, rng.int(1, text.length - 1))
  const uuid = numericUuid(rng)
  return formatLine(kind === 1 ? withoutStatus(n.envelope, uuid) : withoutSessionId(n.envelope, uuid), format)
}

export function* withNoise(
  items: Iterable<SimItem>,
  rates: NoiseRates,
  format: OutputFormat,
  rng: Rng
): Generator<SimOutput> {
  const window: string[] = []
  const delayed: Array<{ due: number; text: string }> = []
  let emitted = 0

  function* release(text: string): Generator<SimOutput> {
    yield { _tag: 'Line', text }
    emitted++
    if (rng.chance(rates.duplicateRate)) delayed.push({ due: emitted + rng.int(1, DUPLICATE_DELAY), text })
    for (let i = 0; i < delayed.length;) {
      const d = delayed[i]
      if (d !== undefined && d.due <= emitted) {
        delayed.splice(i, 1)
        yield { _tag: 'Line', text: d.text }
        emitted++
      } else i++
    }
  }

  function* enqueue(text: string): Generator<SimOutput> {
    window.push(text)
    if (window.length >= 2 && rng.chance(rates.reorderRate)) {
      const j = window.length - 1 - rng.int(1, Math.min(REORDER_WINDOW, window.length) - 1)
      const moved = window[j]
      const last = window[window.length - 1]
      if (moved !== undefined && last !== undefined) {
        window[j] = last
        window[window.length - 1] = moved
      }
    }
    while (window.length > REORDER_WINDOW) {
      const out = window.shift()
      if (out !== undefined) yield* release(out)
    }
  }

  for (const item of items) {
    if (item._tag === 'Truth') {
      yield item
      continue
    }
    if (rng.chance(rates.malformedRate)) yield* enqueue(malformed(rng, item.notification, format))
    yield* enqueue(formatLine(item.notification.envelope, format))
  }
  for (const text of window.splice(0)) yield* release(text)
  for (const d of delayed.sort((a, b) => a.due - b.due).splice(0)) yield { _tag: 'Line', text: d.text }
}
