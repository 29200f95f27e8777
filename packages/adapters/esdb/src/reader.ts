/**
 * What the read side of one store shares between its operations: the client, the deadline of one call, the page
 * size learnt so far (./page.ts), the exact positions of the last events handed out (./positions.ts), and the
 * tally of events another program wrote (./foreign.ts).
 */
import type { EventStoreDBClient } from '@eventstore/db-client'
import { ForeignTally } from './foreign.js'
import { PageSizer } from './page.js'
import { KnownPositions } from './positions.js'

export interface Reader {
  readonly client: EventStoreDBClient
  /** Deadline of each call (one page, one probe), in ms. */
  readonly ms: number
  readonly sizer: PageSizer
  readonly known: KnownPositions
  readonly foreign: ForeignTally
}

export const openReader = (client: EventStoreDBClient, ms: number): Reader => ({
  client,
  ms,
  sizer: new PageSizer(),
  known: new KnownPositions(),
  foreign: new ForeignTally()
})
