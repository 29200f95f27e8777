/**
 * TEST DOUBLE of the RingCentral platform: the WebSocket gateway (CONNECT.md section 2) on the double's HTTP
 * server, at `/ws?access_token=...[&wsc=...]`. The server speaks first (`ConnectionDetails`), answers
 * `ClientRequest` frames for `/restapi/v1.0/subscription[/][{id}]` (one subscription per connection: a second
 * POST replaces the first) and `Heartbeat` frames, and pushes `ServerNotification` frames. A bad ws token is
 * refused either with an HTTP 401 at the upgrade or with an `Error` frame (option `wsRefusal`).
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, WebSocket, type RawData } from 'ws'
import * as E from 'fp-ts/Either'
import type { OAuthServer } from './oauth.js'
import { headersOf, type RequestLog } from './request-log.js'
import { readSubscriptionRequest, type SubscriptionStore } from './subscriptions.js'
import { GatewaySessions, type GatewaySession, type SessionOptions } from './ws-sessions.js'
import * as frames from './ws-frames.js'
import { apiError, iso, isRecord, parseJson, stringAt, type Envelope, type Reply } from './wire.js'

export type Refusal = 'http' | 'error-frame'
export type Replay = 'separate-read' | 'same-read'

export interface GatewayOptions extends SessionOptions {
  readonly wsRefusal: Refusal
  /** How notifications missed during a drop are replayed after `recoveryState: Successful`. */
  readonly replay: Replay
  readonly replayDelayMs: number
  readonly idleTimeoutS: number
  readonly absoluteTimeoutS: number
}

interface Connection {
  readonly ws: WebSocket
  readonly socket: Duplex
  readonly session: GatewaySession
}

export type WsDelivery = 'sent' | 'buffered' | 'lost'

export class Gateway {
  readonly sessions: GatewaySessions
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  private readonly connections = new Set<Connection>()
  private readonly refusals: Refusal[] = []
  private coalesced: readonly Envelope[] | undefined
  /** Server-side socket errors (a client sending garbage), kept for tests to inspect. */
  readonly socketErrors: Error[] = []

  constructor(
    private readonly options: GatewayOptions,
    private readonly oauth: OAuthServer,
    private readonly store: SubscriptionStore,
    private readonly log: RequestLog
  ) {
    this.sessions = new GatewaySessions(options, store)
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const answered = this.log.add({
      transport: 'ws-upgrade',
      method: req.method ?? 'GET',
      path: req.url ?? '',
      headers: headersOf(req),
      body: '',
      rateLimitGroup: undefined
    })
    const url = new URL(req.url ?? '/', 'http://double.invalid')
    if (url.pathname !== '/ws') {
      answered(404)
      refuseHttp(socket, apiError(404, 'CMN-102', 'Resource for parameter [path] is not found'))
      return
    }
    const now = Date.now()
    const forced = this.refusals.shift()
    const oauthSessionId =
      forced === undefined ? this.oauth.useWsToken(url.searchParams.get('access_token') ?? '', now) : undefined
    if (oauthSessionId === undefined) {
      const reply = apiError(401, 'OAU-213', 'Token not found')
      if ((forced ?? this.options.wsRefusal) === 'http') {
        answered(401)
        refuseHttp(socket, reply)
        return
      }
      answered(101)
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(frames.errorFrame('OAU-213', 401, 'Token not found'))
        ws.close(1008)
      })
      return
    }
    answered(101)
    const wsc = url.searchParams.get('wsc') ?? undefined
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, socket, oauthSessionId, wsc))
  }

  private open(ws: WebSocket, socket: Duplex, oauthSessionId: string, wsc: string | undefined): void {
    const now = Date.now()
    const recovery = wsc === undefined ? undefined : this.sessions.recover(wsc, oauthSessionId, now)
    if (recovery?._tag === 'Forged') {
      ws.send(frames.errorFrame('WSG-400'))
      ws.close(1008)
      return
    }
    const session = recovery?._tag === 'Recovered' ? recovery.session : this.sessions.create(oauthSessionId, now)
    for (const other of this.connections) if (other.session === session) this.drop(other)
    this.sessions.attach(session)
    const connection: Connection = { ws, socket, session }
    this.connections.add(connection)
    ws.on('message', (data, isBinary) => this.onFrame(connection, data, isBinary))
    ws.on('close', () => this.detach(connection))
    ws.on('error', (error) => this.socketErrors.push(error))
    const details = frames.connectionDetails(session.wsc, {
      creationTime: iso(session.creationTime),
      maxConnectionsPerSession: 50,
      recoveryBufferSize: this.options.recoveryBufferSize,
      recoveryTimeout: this.options.recoveryTimeoutS,
      idleTimeout: this.options.idleTimeoutS,
      absoluteTimeout: this.options.absoluteTimeoutS,
      maxActiveRequests: 10,
      ...(recovery === undefined ? {} : { recoveryState: recovery._tag === 'Recovered' ? 'Successful' : 'Failed' }),
      ...(recovery?._tag === 'Failed' ? { recoveryErrorCode: recovery.code } : {})
    })
    const missed = session.buffer.map(frames.notification)
    session.buffer = []
    if (this.options.replay === 'same-read' || missed.length === 0) {
      socket.write(frames.encodeTextFrames([details, ...missed]))
      return
    }
    ws.send(details)
    setTimeout(() => {
      if (ws.readyState === WebSocket.OPEN) for (const frame of missed) ws.send(frame)
    }, this.options.replayDelayMs)
  }

  private detach(connection: Connection): void {
    if (!this.connections.delete(connection)) return
    this.sessions.disconnect(connection.session, Date.now())
  }

  private drop(connection: Connection): void {
    this.detach(connection)
    connection.ws.terminate()
  }

  private onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(new Uint8Array(data)).toString('utf8')
    const parsed = isBinary ? E.left('binary frame') : parseJson(text)
    const meta = E.isRight(parsed) && Array.isArray(parsed.right) ? parsed.right[0] : undefined
    const body = E.isRight(parsed) && Array.isArray(parsed.right) ? parsed.right[1] : undefined
    const type = stringAt(meta, 'type') ?? 'Unknown'
    const messageId = stringAt(meta, 'messageId') ?? ''
    const answered = this.log.add({
      transport: 'ws',
      method: stringAt(meta, 'method') ?? type,
      path: stringAt(meta, 'path') ?? '',
      headers: headersOfFrame(meta),
      body: text,
      rateLimitGroup: undefined
    })
    if (type === 'Heartbeat') {
      answered(200)
      connection.ws.send(frames.heartbeat(messageId))
      return
    }
    if (type !== 'ClientRequest') {
      answered(400)
      connection.ws.send(frames.errorFrame('CMN-101', 400, `Unsupported message type [${type}]`))
      return
    }
    const method = (stringAt(meta, 'method') ?? '').toUpperCase()
    const path = (stringAt(meta, 'path') ?? '').split('?')[0] ?? ''
    const reply = this.clientRequest(connection.session, method, path, body)
    answered(reply.status)
    const replyFrame = frames.clientRequestReply(messageId, reply.status, reply.body)
    const created = method === 'POST' && reply.status === 200 ? connection.session.subscriptionId : undefined
    const burst = created === undefined ? undefined : this.coalesced
    if (burst === undefined || created === undefined) {
      connection.ws.send(replyFrame)
      return
    }
    // The trap of CONNECT.md section 7: the reply and notifications in one write, so in one client read.
    this.coalesced = undefined
    const notes = burst.map((envelope) => frames.notification({ ...envelope, subscriptionId: created }))
    connection.socket.write(frames.encodeTextFrames([replyFrame, ...notes]))
  }

  private clientRequest(session: GatewaySession, method: string, path: string, body: unknown): Reply {
    const now = Date.now()
    const one = /^\/restapi\/v1\.0\/subscription\/([^/]+)$/.exec(path)
    if (/^\/restapi\/v1\.0\/subscription\/?$/.test(path) && method === 'POST') {
      const request = readSubscriptionRequest(body, true)
      if (E.isLeft(request)) return request.left
      if (request.right.transportType !== 'WebSocket')
        return apiError(400, 'CMN-101', 'Parameter [deliveryMode.transportType] value is invalid', {
          parameterName: 'deliveryMode.transportType'
        })
      if (session.subscriptionId !== undefined) this.store.delete(session.subscriptionId)
      session.subscriptionId = undefined
      const created = this.store.create(request.right, { kind: 'WebSocket', gatewaySessionId: session.id }, now)
      if (E.isLeft(created)) return created.left
      session.subscriptionId = created.right.id
      return { status: 200, body: this.store.info(created.right, now) }
    }
    const id = one?.[1]
    const record = id === undefined || id !== session.subscriptionId ? undefined : this.store.get(id, now)
    if (id === undefined) return apiError(404, 'CMN-102', 'Resource for parameter [path] is not found')
    if (record === undefined) return apiError(404, 'SUB-507', `Subscription [${id}] was expired`)
    if (method === 'GET') return { status: 200, body: this.store.info(record, now) }
    if (method === 'DELETE') {
      this.store.delete(record.id)
      session.subscriptionId = undefined
      return { status: 204 }
    }
    if (method !== 'PUT') return apiError(405, 'CMN-104', `Method [${method}] is not allowed`)
    const request = readSubscriptionRequest(body, false)
    if (E.isLeft(request)) return request.left
    this.store.update(record, request.right, now)
    return { status: 200, body: this.store.info(record, now) }
  }

  /** Sends to the session's socket, or keeps it for recovery. */
  deliver(gatewaySessionId: string, envelope: Envelope): WsDelivery {
    const session = this.sessions.get(gatewaySessionId)
    if (session === undefined) return 'lost'
    const connection = [...this.connections].find((c) => c.session === session)
    if (connection !== undefined && connection.ws.readyState === WebSocket.OPEN) {
      connection.ws.send(frames.notification(envelope))
      return 'sent'
    }
    return this.sessions.keep(session, envelope, Date.now()) ? 'buffered' : 'lost'
  }

  /** Closes every socket abruptly (no close frame); their sessions stay recoverable. */
  dropConnections(): number {
    const all = [...this.connections]
    for (const connection of all) this.drop(connection)
    return all.length
  }

  /** Sends an `Error` frame on every socket and closes it; `recoverable: false` forgets the sessions too. */
  errorFrame(code: frames.GatewayErrorCode, recoverable: boolean): number {
    const all = [...this.connections]
    for (const connection of all) {
      connection.ws.send(frames.errorFrame(code))
      this.detach(connection)
      if (!recoverable) this.sessions.discard(connection.session)
      connection.ws.close(1000)
    }
    return all.length
  }

  refuseNextUpgrades(count: number, how: Refusal): void {
    for (let i = 0; i < count; i += 1) this.refusals.push(how)
  }

  /** The next WebSocket subscription reply goes out in one write with these notifications (for the new id). */
  coalesceNextSubscribeReply(envelopes: readonly Envelope[]): void {
    this.coalesced = envelopes
  }

  openConnections(): number {
    return this.connections.size
  }

  close(): Promise<void> {
    for (const connection of [...this.connections]) this.drop(connection)
    // Sockets refused with an Error frame are not connections of a session, but the server still tracks them.
    for (const ws of this.wss.clients) ws.terminate()
    return new Promise((resolve) => this.wss.close(() => resolve()))
  }
}

const refuseHttp = (socket: Duplex, reply: Reply): void => {
  const body = JSON.stringify(reply.body ?? {})
  socket.end(
    `HTTP/1.1 ${reply.status} ${reply.status === 401 ? 'Unauthorized' : 'Not Found'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}

const headersOfFrame = (meta: unknown): Record<string, string> => {
  const headers = isRecord(meta) ? meta['headers'] : undefined
  if (!isRecord(headers)) return {}
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name.toLowerCase(), value]] : []))
  )
}
