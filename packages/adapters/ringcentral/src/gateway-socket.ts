/**
 * Guards on each WebSocket the RingCentral client creates (CONNECT.md 7, observed with the installed clients):
 * - an HTTP refusal of the upgrade is an `error` event; with no listener it ends the Node process, so every socket
 *   gets one;
 * - the client's own frame listener can throw (a notification read in the same network read as the reply to the
 *   subscription request: `subscriptionInfo` not set yet, a TypeError); thrown inside the socket's event dispatch
 *   that too would end the process, so every listener the client adds runs under a catch, and the failure is
 *   reported instead;
 * - callstate reads the frames itself (`onFrame`): every `ServerNotification` on the socket is received, whatever
 *   the client's own bookkeeping of the subscription id says (one subscription per connection).
 */

/** The part of the client's socket (the `ws` package's WebSocket) these guards use. */
export interface GuardedSocket {
  addEventListener(type: string, listener: (event: unknown) => void, options?: unknown): void
  removeEventListener(type: string, listener: (event: unknown) => void): void
  on(event: 'error', listener: (e: Error) => void): unknown
}

/** The socket as the gateway module drives it: guarded, and looked at and written to. */
export interface ClientSocket extends GuardedSocket {
  readonly readyState: number
  send(text: string): unknown
}

/** What the extension hands over with `newWebSocketObject` is the `ws` package's WebSocket: checked, not assumed. */
export const isClientSocket = (value: unknown): value is ClientSocket =>
  typeof value === 'object' &&
  value !== null &&
  typeof Reflect.get(value, 'readyState') === 'number' &&
  ['send', 'on', 'addEventListener', 'removeEventListener'].every((m) => typeof Reflect.get(value, m) === 'function')

export interface SocketHooks {
  /** Each text frame, as received. */
  readonly onFrame: (text: string) => void
  readonly onError: (message: string) => void
  readonly onClose: () => void
  /** A listener of the client threw on a frame (it was caught). */
  readonly onClientFault: (message: string) => void
}

type Listener = (...args: unknown[]) => unknown

const frameText = (event: unknown): string | undefined => {
  const data = typeof event === 'object' && event !== null ? Reflect.get(event, 'data') : undefined
  return typeof data === 'string' ? data : data instanceof Buffer ? data.toString('utf8') : undefined
}

export const guardSocket = (ws: GuardedSocket, hooks: SocketHooks): void => {
  // The socket's own methods, kept before they are replaced below (the replacements call these).
  const originalAdd = ws.addEventListener
  const originalRemove = ws.removeEventListener
  const add = (type: string, listener: Listener, options?: unknown): void =>
    Reflect.apply(originalAdd, ws, [type, listener, options])
  const remove = (type: string, listener: Listener): void => Reflect.apply(originalRemove, ws, [type, listener])
  const wrapped = new WeakMap<object, Listener>()
  const safe = (listener: Listener): Listener => {
    const known = wrapped.get(listener)
    if (known !== undefined) return known
    const guarded: Listener = (...args) => {
      try {
        return listener(...args)
      } catch (e) {
        hooks.onClientFault(e instanceof Error ? e.message : String(e))
        return undefined
      }
    }
    wrapped.set(listener, guarded)
    return guarded
  }
  // The client's listeners, added from now on, run under a catch.
  Reflect.set(ws, 'addEventListener', (type: string, listener: Listener, options?: unknown) =>
    add(type, safe(listener), options)
  )
  Reflect.set(ws, 'removeEventListener', (type: string, listener: Listener) =>
    remove(type, wrapped.get(listener) ?? listener)
  )
  ws.on('error', (e: Error) => hooks.onError(e.message))
  add('message', (event: unknown) => {
    const text = frameText(event)
    if (text !== undefined) hooks.onFrame(text)
  })
  add('close', () => hooks.onClose())
}
