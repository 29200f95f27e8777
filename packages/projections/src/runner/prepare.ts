/** Before any batch: a projection whose stored version differs from its code is reset, to be rebuilt from the log. */
import * as E from 'fp-ts/lib/Either.js'
import { describeError, type RunnerFailure } from '../describe.js'
import type { ProjectionName } from '../readmodel-port.js'
import type { RunnerContext } from './context.js'

export const prepare = ({
  readModels,
  projections,
  known
}: RunnerContext): E.Either<RunnerFailure, ReadonlyArray<ProjectionName>> =>
  E.tryCatch(
    () => {
      const meta = readModels.meta()
      const stale = projections.filter((p) => meta.find((m) => m.projection === p.name)?.version !== p.version)
      for (const p of stale) {
        readModels.reset(p.name, p.version)
        p.invalidate()
        known.delete(p.name)
      }
      return stale.map((p) => p.name)
    },
    (e): RunnerFailure => ({ _tag: 'ReadModelFailure', cause: describeError(e) })
  )
