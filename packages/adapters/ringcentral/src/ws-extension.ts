/**
 * `@rc-ex/ws`'s WebSocketExtension, loaded as `@ringcentral/subscriptions` loads it: its CommonJS build. The
 * package has no `"type": "module"`, so its `import` condition points at ES syntax Node would read as CommonJS,
 * and its typings describe a default export an ES module import does not get. The parts the connector uses are
 * typed here; everything else about the class stays the library's.
 */
import { createRequire } from 'node:module'
import type { EventEmitter } from 'node:events'
import type { Subscriptions } from '@ringcentral/subscriptions'

type SdkExtension = Parameters<Subscriptions['rc']['installExtension']>[0]

export interface WebSocketExtension extends SdkExtension {
  readonly eventEmitter: EventEmitter
  readonly subscription?: {
    readonly subscriptionInfo?: { readonly id?: string; readonly status?: string; readonly expirationTime?: string }
    subscribe(): Promise<void>
  }
  readonly connectionDetails?: { readonly recoveryState?: string; readonly recoveryErrorCode?: string }
  subscribe(filters: string[], callback: (event: object) => void): Promise<unknown>
  recover(): Promise<void>
  revoke(): Promise<void>
}

export interface WebSocketExtensionOptions {
  readonly autoRecover?: { readonly enabled: boolean }
}

type ExtensionClass = new (options?: WebSocketExtensionOptions) => WebSocketExtension

/** The event the extension emits with each new socket it opens (`Events.newWebSocketObject`). */
export const NEW_WEB_SOCKET = 'newWebSocketObject'

const isClass = (value: unknown): value is ExtensionClass => typeof value === 'function'

let loaded: ExtensionClass | undefined

export const webSocketExtensionClass = (): ExtensionClass => {
  if (loaded !== undefined) return loaded
  const module: unknown = createRequire(import.meta.url)('@rc-ex/ws')
  const candidate = typeof module === 'object' && module !== null ? Reflect.get(module, 'default') : undefined
  if (!isClass(candidate)) throw new Error('@rc-ex/ws has no WebSocketExtension class (an unexpected version?)')
  loaded = candidate
  return candidate
}
