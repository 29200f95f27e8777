/** Unwrapping the envelope from the transport it came in: webhook, WebSocket frame, or mobile push. */
import type { Transport } from '../notification.js'
import { isRecord } from './struct.js'

export interface Unwrapped {
  readonly transport: Transport
  readonly envelope: unknown
}

const withoutKey = (o: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> => {
  const copy: Record<string, unknown> = {}
  for (const k of Object.keys(o)) if (k !== key) copy[k] = o[k]
  return copy
}

/**
 * Total: anything that is not a recognised wrapper is taken as a webhook envelope, and the envelope codec then
 * says what is wrong with it.
 * - WebSocket: `[ {type: "ServerNotification", ...headers}, envelope ]`.
 * - APNs push: `{uuid, ..., pn_apns: {aps, ...envelope}}`; the envelope is `pn_apns` without `aps`.
 * - GCM/FCM push: `pn_gcm` likewise. No real sample is public; PubNub-style pushes put the payload in
 *   `pn_gcm.data`, so that is used when it is an object, else `pn_gcm` without its `notification` block.
 */
export const unwrap = (input: unknown): Unwrapped => {
  if (Array.isArray(input)) {
    const [header, envelope] = input
    if (input.length === 2 && isRecord(header) && header['type'] === 'ServerNotification') {
      return { transport: 'websocket', envelope }
    }
    return { transport: 'webhook', envelope: input }
  }
  if (!isRecord(input)) return { transport: 'webhook', envelope: input }
  const apns = input['pn_apns']
  if (isRecord(apns)) return { transport: 'pn_apns', envelope: withoutKey(apns, 'aps') }
  const gcm = input['pn_gcm']
  if (isRecord(gcm)) {
    const data = gcm['data']
    return { transport: 'pn_gcm', envelope: isRecord(data) ? data : withoutKey(gcm, 'notification') }
  }
  return { transport: 'webhook', envelope: input }
}
