/** Queue rows as tables: `stats --by queue` and `callstate queues` print the same columns. */
import Table from 'cli-table3'
import type { QueueRow } from '@callstate/projections'
import { tableStyle } from '../run.js'
import { duration } from '../duration-text.js'

const percent = (r: number | null): string => (r === null ? '-' : `${(r * 100).toFixed(1)}%`)

const HEAD = ['queue', 'offered', 'answered', 'abandoned', 'short', 'voicemail', 'ASA', 'longest wait', 'service level']

const cells = (r: QueueRow): Array<string | number> => [
  r.name === null ? r.key : `${r.key} ${r.name}`,
  r.offered,
  r.answered,
  r.abandoned,
  r.shortAbandoned,
  r.voicemail,
  duration(r.asaMs),
  duration(r.longestWaitMs),
  percent(r.serviceLevel)
]

/** The rows, with the service level's method under the table, and the agents of each queue. */
export const queueTable = (
  rows: ReadonlyArray<QueueRow>,
  live?: (r: QueueRow) => ReadonlyArray<string | number>,
  liveHead: ReadonlyArray<string> = []
): string => {
  const t = new Table({ head: [...HEAD, ...liveHead], ...tableStyle() })
  for (const r of rows) t.push([...cells(r), ...(live?.(r) ?? [])])
  const agents = new Table({
    head: ['queue', 'agent', 'offered', 'answered', 'not picked up', 'talk', 'hold'],
    ...tableStyle()
  })
  for (const r of rows)
    for (const a of r.agents)
      agents.push([r.key, a.extensionId, a.offered, a.answered, a.notPickedUp, duration(a.talkMs), duration(a.holdMs)])
  const method = rows[0] === undefined ? '' : `\nservice level = ${rows[0].serviceLevelMethod}`
  return `${t.toString()}${method}\n${agents.toString()}`
}
