/**
 * TEST HELPER: a TCP proxy on 127.0.0.1 in front of a real server, so a test can cut the connection
 * ("the node went away") without owning the node: `cut()` drops every connection and stops listening.
 */
import * as net from 'node:net'

export interface TcpProxy {
  readonly port: number
  readonly cut: () => Promise<void>
}

export const startTcpProxy = async (host: string, port: number): Promise<TcpProxy> => {
  const sockets = new Set<net.Socket>()
  const track = (socket: net.Socket): void => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host)
    track(client)
    track(upstream)
    client.pipe(upstream).pipe(client)
    // Either side failing ends the pair; the gRPC client sees the connection drop.
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    cut: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
