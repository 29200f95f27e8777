/**
 * TEST HELPER: an outage switch in front of the EventStoreDB double (or any TCP server) on 127.0.0.1, so a test can
 * take the node away and bring it back without losing its log (the double keeps running behind it):
 * - `stop()`: every connection is dropped and the port stops listening (new connections are refused), as when
 *   the node's process is gone; `restore()` listens again on the same port.
 * - `freeze()`: connections stay open and new ones are accepted, but no byte goes either way (the kernel keeps
 *   them), as when the node's process is stopped (SIGSTOP) or the network silently drops everything;
 *   `restore()` delivers what was held, in order, and forwards again.
 * - `slow(ms)`: every chunk from the node to the client is delivered `ms` late (latency, not bandwidth), so each
 *   call answers at least `ms` late; `restore()` ends it.
 * A connection that either side closes closes the other side too.
 */
import * as net from 'node:net'

export type OutageState = 'up' | 'stopped' | 'frozen' | 'slow'

export interface OutageSwitch {
  readonly port: number
  /** `esdb://127.0.0.1:PORT?tls=false` */
  readonly url: string
  readonly state: () => OutageState
  readonly stop: () => Promise<void>
  readonly freeze: () => void
  readonly slow: (ms: number) => void
  /** Back to forwarding at once (listening again after `stop`). */
  readonly restore: () => Promise<void>
  /** Drops everything and stops listening for good. */
  readonly close: () => Promise<void>
}

interface Pair {
  readonly client: net.Socket
  upstream: net.Socket | undefined
  /** Chunks held while frozen, to the node. */
  readonly toUpstream: Buffer[]
  /** Chunks to the client, each with the time it may leave (in order: a late one holds back the next). */
  readonly toClient: Array<{ readonly chunk: Buffer; readonly at: number }>
  timer: NodeJS.Timeout | undefined
}

export const startOutageSwitch = async (host: string, port: number): Promise<OutageSwitch> => {
  let state: OutageState = 'up'
  let delayMs = 0
  const pairs = new Set<Pair>()

  const end = (pair: Pair): void => {
    pairs.delete(pair)
    clearTimeout(pair.timer)
    pair.client.destroy()
    pair.upstream?.destroy()
  }
  const deliver = (pair: Pair): void => {
    clearTimeout(pair.timer)
    pair.timer = undefined
    if (state === 'frozen') return
    const now = Date.now()
    for (let next = pair.toClient[0]; next !== undefined && next.at <= now; next = pair.toClient[0]) {
      pair.toClient.shift()
      pair.client.write(next.chunk)
    }
    const next = pair.toClient[0]
    if (next !== undefined) pair.timer = setTimeout(() => deliver(pair), next.at - now)
  }
  const toClient = (pair: Pair, chunk: Buffer): void => {
    pair.toClient.push({ chunk, at: Date.now() + (state === 'slow' ? delayMs : 0) })
    deliver(pair)
  }
  const connectUpstream = (pair: Pair): void => {
    const upstream = net.connect(port, host)
    pair.upstream = upstream
    upstream.on('data', (chunk: Buffer) => toClient(pair, chunk))
    upstream.on('error', () => end(pair))
    upstream.on('close', () => end(pair))
    for (const chunk of pair.toUpstream.splice(0)) upstream.write(chunk)
  }
  const onConnection = (client: net.Socket): void => {
    const pair: Pair = { client, upstream: undefined, toUpstream: [], toClient: [], timer: undefined }
    pairs.add(pair)
    client.on('data', (chunk: Buffer) => {
      if (state === 'frozen' || pair.upstream === undefined) pair.toUpstream.push(chunk)
      else pair.upstream.write(chunk)
    })
    client.on('error', () => end(pair))
    client.on('close', () => end(pair))
    // A frozen node accepts the connection (its kernel does) and says nothing: connect upstream on restore.
    if (state !== 'frozen') connectUpstream(pair)
  }

  let server: net.Server | undefined
  const listen = (on: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const s = net.createServer(onConnection)
      s.once('error', reject)
      s.listen(on, '127.0.0.1', () => {
        server = s
        const address = s.address()
        resolve(typeof address === 'object' && address !== null ? address.port : on)
      })
    })
  const unlisten = (): Promise<void> =>
    new Promise((resolve) => {
      const s = server
      server = undefined
      for (const pair of [...pairs]) end(pair)
      if (s === undefined) resolve()
      else s.close(() => resolve())
    })

  const bound = await listen(0)
  return {
    port: bound,
    url: `esdb://127.0.0.1:${bound}?tls=false`,
    state: () => state,
    stop: async () => {
      state = 'stopped'
      await unlisten()
    },
    freeze: () => {
      state = 'frozen'
    },
    slow: (ms) => {
      delayMs = ms
      state = 'slow'
    },
    restore: async () => {
      const was = state
      state = 'up'
      if (was === 'stopped') await listen(bound)
      for (const pair of pairs) {
        if (pair.upstream === undefined) connectUpstream(pair)
        else for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk)
        deliver(pair)
      }
    },
    close: async () => {
      state = 'stopped'
      await unlisten()
    }
  }
}
