/**
 * A projection: a named, versioned fold from events to read-model rows. The runner feeds it batches (in log
 * order, only events past its checkpoint) inside the same transaction that moves its checkpoint.
 */
import type { ProjectedEvent } from './event.js'
import type { ProjectionName, ReadModelTx } from './readmodel-port.js'

export interface Projection {
  readonly name: ProjectionName
  /**
   * Bump when the fold or the row shape changes: on start the runner finds the stored version differs and
   * rebuilds this read model from the log instead of serving rows of the old shape.
   */
  readonly version: number
  readonly apply: (tx: ReadModelTx, events: ReadonlyArray<ProjectedEvent>) => void
  /** Forget in-memory caches: a transaction failed, or another process moved the committed read model. */
  readonly invalidate: () => void
}
