/**
 * TEST DOUBLE of the RingCentral platform: WebSocket gateway frames (CONNECT.md 2.2 to 2.5). Each text frame is
 * a JSON array `[meta]` or `[meta, body]`. `encodeTextFrames` builds raw RFC 6455 server frames (unmasked) so
 * several messages can be written to the socket in ONE write, which makes the client read them together (the
 * trap of section 7 and the replay after recovery in `same-read` mode).
 */
import { newId, type Envelope } from './wire.js'

export interface ConnectionDetailsBody {
  readonly creationTime: string
  readonly maxConnectionsPerSession: number
  readonly recoveryBufferSize: number
  readonly recoveryTimeout: number
  readonly idleTimeout: number
  readonly absoluteTimeout: number
  readonly maxActiveRequests: number
  readonly recoveryState?: 'Successful' | 'Failed'
  readonly recoveryErrorCode?: string
}

export const connectionDetails = (wsc: { token: string; sequence: number }, body: ConnectionDetailsBody): string => {
  const messageId = newId()
  return JSON.stringify([
    { type: 'ConnectionDetails', messageId, status: 200, wsc, headers: { RCRequestId: messageId } },
    body
  ])
}

/** `ServerNotification`: meta.messageId equals body.uuid and the meta has no `wsc`, as in every capture. */
export const notification = (envelope: Envelope): string =>
  JSON.stringify([
    { type: 'ServerNotification', messageId: envelope.uuid, status: 200, headers: { RCRequestId: newId() } },
    envelope
  ])

export const clientRequestReply = (messageId: string, status: number, body: unknown): string =>
  JSON.stringify([
    {
      type: 'ClientRequest',
      messageId,
      status,
      headers: { 'Content-Type': 'application/json', RCRequestId: newId() }
    },
    ...(body === undefined ? [] : [body])
  ])

export const heartbeat = (messageId: string): string => JSON.stringify([{ type: 'Heartbeat', messageId, status: 200 }])

export type GatewayErrorCode = 'WSG-400' | 'WSG-902' | 'WSG-903' | (string & {})

const errorMessages: Readonly<Record<string, string>> = {
  'WSG-400': 'Malformed WebSocket session context token',
  'WSG-902': 'Idle timeout expired',
  'WSG-903': 'Absolute timeout expired'
}

export const errorFrame = (errorCode: GatewayErrorCode, status = 400, message?: string): string =>
  JSON.stringify([
    { type: 'Error', messageId: newId(), status },
    { errorCode, message: message ?? errorMessages[errorCode] ?? errorCode }
  ])

/** Unmasked text frames (FIN set), concatenated. */
export const encodeTextFrames = (messages: readonly string[]): Buffer =>
  Buffer.concat(
    messages.map((message) => {
      const payload = Buffer.from(message, 'utf8')
      const length = payload.length
      const header =
        length < 126
          ? Buffer.from([0x81, length])
          : length < 65536
            ? Buffer.from([0x81, 126, length >> 8, length & 0xff])
            : Buffer.concat([Buffer.from([0x81, 127]), bigEndian64(length)])
      return Buffer.concat([header, payload])
    })
  )

const bigEndian64 = (value: number): Buffer => {
  const buffer = Buffer.alloc(8)
  buffer.writeBigUInt64BE(BigInt(value))
  return buffer
}
