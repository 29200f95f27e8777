/**
 * Helpers for tests that use the RingCentral double: waiting for events without timed assertions (the timeouts
 * only guard against hanging), a local webhook receiver, a raw gateway client speaking the frame protocol by
 * hand, captures from the shared payloads, and running ./sample-client.ts in a child process.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/Either'
import { WebSocket } from 'ws'
import type { RingCentralDouble } from './double.js'
import { decodeEnvelope, parseJson, type Envelope } from './wire.js'

const guardMs = 20_000

/** Resolves with the first emission of `event`; rejects after `timeoutMs` only to avoid hanging. */
export const once = <T = unknown>(
  emitter: { once: (event: string, f: (value: T) => void) => unknown },
  event: string,
  timeoutMs = guardMs
): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs)
    emitter.once(event, (value) => {
      clearTimeout(timer)
      resolve(value)
    })
  })

/** Polls `condition` until it holds; rejects after `timeoutMs` only to avoid hanging. */
export const until = async (what: string, condition: () => boolean, timeoutMs = guardMs): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export const capture = (file: string, index: number): Envelope => {
  const dir = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`
  const parsed = parseJson(readFileSync(`${dir}/${file}`, 'utf8'))
  const element = E.isRight(parsed) && Array.isArray(parsed.right) ? parsed.right[index] : undefined
  const envelope = decodeEnvelope(element)
  if (E.isLeft(envelope)) throw new Error(`${file}[${index}]: ${envelope.left}`)
  return envelope.right
}

export interface ReceivedRequest {
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

export type ReceiverAnswer = (request: ReceivedRequest) => { status: number; headers?: Record<string, string> }

/** Echoes `Validation-Token` with 200 and answers deliveries 200, unless told otherwise. */
export const echoHandshake: ReceiverAnswer = (request) => {
  const token = request.headers['validation-token']
  return typeof token === 'string' ? { status: 200, headers: { 'Validation-Token': token } } : { status: 200 }
}

export interface Receiver {
  readonly url: string
  readonly requests: ReceivedRequest[]
  answer: ReceiverAnswer
  readonly close: () => Promise<void>
}

export const startReceiver = async (answer: ReceiverAnswer = echoHandshake): Promise<Receiver> => {
  const requests: ReceivedRequest[] = []
  const receiver = { answer }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      requests.push(request)
      const reply = receiver.answer(request)
      res.writeHead(reply.status, reply.headers ?? {})
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address: AddressInfo | string | null = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  })
}

export interface RawGateway {
  readonly ws: WebSocket
  /** The next frame, parsed (`[meta]` or `[meta, body]`). */
  readonly next: () => Promise<unknown>
  readonly send: (frame: unknown) => void
  readonly closed: Promise<number>
}

/** A gateway client by hand, for protocol checks the official client cannot be made to do. */
export const openRaw = (address: string): Promise<RawGateway> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(address)
    const frames: unknown[] = []
    const waiters: ((frame: unknown) => void)[] = []
    ws.on('message', (data) => {
      const parsed = parseJson(String(data))
      const frame = E.isRight(parsed) ? parsed.right : ['unparseable', String(data)]
      const waiter = waiters.shift()
      if (waiter === undefined) frames.push(frame)
      else waiter(frame)
    })
    const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)))
    ws.on('error', reject)
    ws.on('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)))
    ws.on('open', () =>
      resolve({
        ws,
        closed,
        send: (frame) => ws.send(JSON.stringify(frame)),
        next: () =>
          frames.length > 0
            ? Promise.resolve(frames.shift())
            : new Promise((done, fail) => {
                const timer = setTimeout(() => fail(new Error('no frame')), guardMs)
                waiters.push((frame) => {
                  clearTimeout(timer)
                  done(frame)
                })
              })
      })
    )
  })

export interface ChildRun {
  readonly code: number | null
  readonly lines: readonly unknown[]
  readonly stderr: string
}

/** Runs ./sample-client.ts in a child process against the double (the credentials go by environment). */
export const runSampleClient = (double: RingCentralDouble, mode: 'naive' | 'guarded'): Promise<ChildRun> =>
  new Promise((resolve) => {
    const script = fileURLToPath(new URL('./sample-client.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: {
        ...process.env,
        RC_SERVER_URL: double.url,
        RC_CLIENT_ID: double.clientId,
        RC_CLIENT_SECRET: double.clientSecret,
        RC_JWT: double.jwt,
        RC_CLIENT_MODE: mode
      }
    })
    let stdout = ''
    let stderr = ''
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.on('close', (code) => {
      clearTimeout(killer)
      const lines = stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const parsed = parseJson(line)
          return E.isRight(parsed) ? parsed.right : line
        })
      resolve({ code, lines, stderr })
    })
  })
