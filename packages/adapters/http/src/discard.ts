/**
 * A body over the limit is refused (413) as soon as that is known: from its Content-Length, or while it is read.
 * The client is usually still sending then. Closing the connection at once would leave the rest of the body unread
 * in the server's socket, and the kernel answers that with a reset: a client that writes its whole body before it
 * reads (Python's http.client, many SDKs) gets EPIPE or ECONNRESET and never sees the 413. So the answer keeps the
 * connection open, and the rest of the body is read and thrown away, up to `capBytes` more (and within the request
 * timeout, which Node enforces); past the cap the connection is closed.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'

export const discardRestOfBody = (request: FastifyRequest, reply: FastifyReply, capBytes: number): void => {
  const raw = request.raw
  if (raw.complete || raw.destroyed) return
  // fastify asks for `connection: close`; Node would then destroy the socket as soon as the answer is written.
  reply.removeHeader('connection')
  let discarded = 0
  const onData = (chunk: Buffer): void => {
    discarded += chunk.length
    if (discarded <= capBytes) return
    raw.off('data', onData)
    request.log.warn({ discarded, capBytes }, 'request body far over the limit: connection closed')
    raw.socket.destroy()
  }
  raw.on('data', onData)
  raw.resume()
}
