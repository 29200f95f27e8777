/**
 * A client of the RingCentral double run as a CHILD PROCESS by ringcentral-double.test.ts, to show the traps of
 * CONNECT.md section 7 against the official clients. Two ways of using them:
 * - `naive`: as the `@ringcentral/subscriptions` README does (`createSubscription().register()`). Nothing can
 *   listen for errors on the first socket, which `register()` opens before it returns anything.
 * - `guarded`: builds the `@rc-ex/ws` extension itself and attaches an `error` listener to every socket it
 *   creates (`newWebSocketObject`) before installing it.
 * Reads RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET, RC_JWT, RC_CLIENT_MODE; prints one JSON object per line
 * (never a token). Importing this file does nothing (uvu imports every file under test/).
 */
import type { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { SDK } from '@ringcentral/sdk'
import { Subscriptions } from '@ringcentral/subscriptions'
import { isRecord } from './wire.js'

type SdkExtension = Parameters<Subscriptions['rc']['installExtension']>[0]

/** The part of `@rc-ex/ws`'s WebSocketExtension this client uses. */
interface WebSocketExtension extends SdkExtension {
  readonly eventEmitter: EventEmitter
  subscribe(filters: string[], callback: (event: { readonly uuid?: string }) => void): Promise<unknown>
}

type ExtensionClass = new () => WebSocketExtension
const isClass = (value: unknown): value is ExtensionClass => typeof value === 'function'

/**
 * The CommonJS build, the one `@ringcentral/subscriptions` itself loads (its ESM build is a different class, and
 * its typings describe neither as an ES module default export).
 */
const loadExtensionClass = (): ExtensionClass => {
  const loaded: unknown = createRequire(import.meta.url)('@rc-ex/ws')
  const candidate = isRecord(loaded) ? loaded['default'] : undefined
  if (!isClass(candidate)) throw new Error('@rc-ex/ws has no default export')
  return candidate
}

const say = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`)
}

const filters = ['/restapi/v1.0/account/~/telephony/sessions']

const main = async (): Promise<void> => {
  const sdk = new SDK({
    server: process.env['RC_SERVER_URL'] ?? '',
    clientId: process.env['RC_CLIENT_ID'] ?? '',
    clientSecret: process.env['RC_CLIENT_SECRET'] ?? ''
  })
  await sdk.platform().login({ jwt: process.env['RC_JWT'] ?? '' })
  const subscriptions = new Subscriptions({ sdk })
  const onNotification = (event: { readonly uuid?: string }): void => say({ notification: event.uuid })
  if (process.env['RC_CLIENT_MODE'] !== 'guarded') {
    const subscription = subscriptions.createSubscription().setEventFilters(filters)
    subscription.on(subscription.events.notification, onNotification)
    const registered = await subscription.register()
    say({ registered: true })
    await registered.revoke()
    say({ revoked: true })
    return
  }
  await subscriptions.init()
  const Extension = loadExtensionClass()
  const extension = new Extension()
  // The guard: every socket the extension makes gets an error listener before it can fail.
  extension.eventEmitter.on('newWebSocketObject', (ws: EventEmitter) =>
    ws.on('error', (error: unknown) => say({ socketError: error instanceof Error ? error.message : String(error) }))
  )
  const ready = new Promise<void>((resolve) => extension.eventEmitter.once('connectionReady', () => resolve()))
  await subscriptions.rc.installExtension(extension)
  await ready
  await extension.subscribe([...filters], onNotification)
  say({ registered: true })
  await extension.revoke()
  say({ revoked: true })
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      say({ failed: error instanceof Error ? error.message : String(error) })
      process.exit(2)
    }
  )
}
