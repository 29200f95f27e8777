/**
 * TEST DOUBLE of the RingCentral platform: the webhook side (CONNECT.md section 3). The validation handshake
 * before a WebHook subscription exists (POST with `Validation-Token` and an empty body; 200 + the same header,
 * within the timeout, headers + body <= 1024 bytes) and the delivery of envelopes with the chosen token.
 * Requests go through node:http without keep-alive so a receiver a test closes is not held open by the double.
 */
import * as http from 'node:http'
import * as https from 'node:https'
import { newToken, apiError, type Reply } from './wire.js'

export type Outcome =
  | {
      readonly _tag: 'Answered'
      readonly status: number
      readonly statusText: string
      readonly headers: http.IncomingHttpHeaders
      readonly bytes: number
    }
  | { readonly _tag: 'Failed'; readonly reason: string }

const maxResponseBytes = 1024

/** One POST, no retries, no redirects. The whole answer (headers + body) is measured, reading stops past 1024. */
export const post = (
  address: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  timeoutMs: number
): Promise<Outcome> =>
  new Promise((resolve) => {
    let url: URL
    try {
      url = new URL(address)
    } catch (error) {
      resolve({ _tag: 'Failed', reason: `Invalid address: ${error instanceof Error ? error.message : String(error)}` })
      return
    }
    const client = url.protocol === 'https:' ? https : http
    const payload = Buffer.from(body, 'utf8')
    const request = client.request(url, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'Content-Length': String(payload.length) }
    })
    const timer = setTimeout(() => request.destroy(new Error('Read timed out')), timeoutMs)
    const done = (outcome: Outcome): void => {
      clearTimeout(timer)
      resolve(outcome)
    }
    request.on('error', (error) =>
      done({ _tag: 'Failed', reason: `I/O operation is failed. Details: [${error.message}]` })
    )
    request.on('response', (response) => {
      const headerBytes = response.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part) + 2, 0)
      let bytes = headerBytes
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        if (bytes > maxResponseBytes) response.destroy()
      })
      const finish = (): void =>
        done({
          _tag: 'Answered',
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          headers: response.headers,
          bytes
        })
      response.on('end', finish)
      response.on('close', finish)
      // Destroying an oversize answer ends it: what was read is the verdict.
      response.on('error', finish)
    })
    request.end(payload)
  })

const oversize = (bytes: number): string => `Webhook response exceeds max size. Read bytes count: [${bytes}]`

/** The validation handshake: undefined when the address answered correctly, else the 400 the API returns. */
export const validateAddress = async (address: string, timeoutMs: number): Promise<Reply | undefined> => {
  const token = newToken('VT')
  const outcome = await post(address, { 'Validation-Token': token, 'Content-Type': 'application/json' }, '', timeoutMs)
  if (outcome._tag === 'Failed') return apiError(400, 'SUB-521', `Cannot reach the webhook address: ${outcome.reason}`)
  if (outcome.bytes > maxResponseBytes) return apiError(400, 'SUB-525', oversize(outcome.bytes))
  if (outcome.status !== 200 || outcome.headers['validation-token'] !== token)
    return apiError(400, 'SUB-520', 'Validation-Token is not returned')
  return undefined
}

export interface DeliveryResult {
  readonly ok: boolean
  readonly status: number | undefined
  /** The blacklisting reason this failure would record, in the wording the platform uses. */
  readonly reason: string | undefined
}

export const deliver = async (
  address: string,
  tokenHeader: string,
  verificationToken: string | undefined,
  envelope: unknown,
  timeoutMs: number
): Promise<DeliveryResult> => {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=UTF-8',
    'User-Agent': 'RingCentral-Webhook/8.3',
    Accept: 'application/json',
    ...(verificationToken === undefined ? {} : { [tokenHeader]: verificationToken })
  }
  const outcome = await post(address, headers, JSON.stringify(envelope), timeoutMs)
  if (outcome._tag === 'Failed') return { ok: false, status: undefined, reason: outcome.reason }
  if (outcome.bytes > maxResponseBytes) return { ok: false, status: outcome.status, reason: oversize(outcome.bytes) }
  if (outcome.status < 200 || outcome.status > 299)
    return {
      ok: false,
      status: outcome.status,
      reason: `Webhook responses with code: [${outcome.status}], reason: [${outcome.statusText}]`
    }
  return { ok: true, status: outcome.status, reason: undefined }
}
