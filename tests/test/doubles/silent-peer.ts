/**
 * TEST DOUBLE: a "silent peer", a TCP server on 127.0.0.1 that accepts connections and never answers
 * (no HTTP/2 preface, no bytes at all). A gRPC client pointed at it waits for ever; the EventStoreDB
 * adapter must still return `Timeout` within its own bound.
 */
import * as net from 'node:net'

export interface SilentPeer {
  readonly port: number
  /** `esdb://127.0.0.1:PORT?tls=false` */
  readonly url: string
  readonly stop: () => Promise<void>
}

export const startSilentPeer = async (): Promise<SilentPeer> => {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    // Keep the connection open and read nothing back; errors on a dropped socket are expected here.
    socket.on('error', () => sockets.delete(socket))
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    port,
    url: `esdb://127.0.0.1:${port}?tls=false`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
