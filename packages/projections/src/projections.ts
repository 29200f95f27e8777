/** The read models callstate keeps, each with its version constant. */
import type { Projection } from './projection.js'
import { messagesProjection } from './messages/projection.js'
import { presenceProjection } from './presence/projection.js'
import { sessionsProjection } from './sessions/projection.js'

export { SESSIONS_VERSION } from './sessions/projection.js'
export { PRESENCE_VERSION } from './presence/projection.js'
export { MESSAGES_VERSION } from './messages/projection.js'

export interface ProjectionsOptions {
  readonly sessionCacheSize?: number
  /** The streams whose rows these projections write: all by default; a parallel-rebuild worker's shard. */
  readonly owns?: (stream: string) => boolean
}

/** Fresh instances (the sessions projection holds a cache, so runners must not share one). */
export const defaultProjections = (options: ProjectionsOptions = {}): ReadonlyArray<Projection> => [
  sessionsProjection({
    ...(options.sessionCacheSize === undefined ? {} : { cacheSize: options.sessionCacheSize }),
    ...(options.owns === undefined ? {} : { owns: options.owns })
  }),
  presenceProjection(options.owns === undefined ? {} : { owns: options.owns }),
  messagesProjection()
]
