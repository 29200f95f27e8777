/**
 * `callstate quarantine [--json]` lists what could not be logged as a notification and why;
 * `callstate quarantine retry [--json]` re-decodes the unresolved entries with the current decoder.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import {
  listQuarantine,
  quarantineItemJson as itemJson,
  retryQuarantine,
  type QuarantineItem,
  type RetryReport
} from '@callstate/ingest'
import { out, storeFailure, withStore } from '../run.js'

const itemLines = (i: QuarantineItem): string[] => [
  `#${i.position}  ${i.reason}  ${i.source} ${i.sourceRef}  ${i.resolved ? `resolved (${i.resolved.outcome} ${i.resolved.stream})` : 'unresolved'}`,
  ...i.reasons.map((r) => `    reason: ${r}`),
  `    input:  ${i.preview}`
]

const retryLines = (r: RetryReport): string[] => [
  `Retried ${r.retried} unresolved item(s): ${r.resolved} resolved, ${r.stillQuarantined} still quarantined`,
  ...r.items.map((i) => {
    const o = i.outcome
    const what =
      o._tag === 'appended'
        ? `appended to ${o.stream}`
        : o._tag === 'duplicate'
          ? o.stream === 'quarantine'
            ? 'still fails'
            : `already in ${o.stream}`
          : o._tag === 'conflict'
            ? `conflicts with uuid ${o.uuid}`
            : `still fails: ${o.reasons.join('; ')}`
    return `  ${i.sourceRef}  ${i.result}  (${what})`
  })
]

export const register = (program: Command): void => {
  const quarantine = program
    .command('quarantine')
    .description('List quarantined input (not JSON, not a notification, failed decoding, uuid conflicts) with reasons.')
    .option('--json', 'print a JSON array of the items')
    .addHelpText(
      'after',
      `
Each item shows its log position, reason, source, whether it is resolved, the decoder's reasons
(path: problem) and the first 80 characters of the input. Nothing is removed from the quarantine:
a retry that succeeds records a QuarantineResolved event next to the entry.

Examples:
  $ callstate quarantine
  $ callstate quarantine --json | jq '.[] | select(.resolved | not) | .reasons'
  $ callstate quarantine retry`
    )
    .action((_opts: unknown, cmd: Command) =>
      withStore(cmd, async (store, options) => {
        const listing = await listQuarantine(store)()
        if (E.isLeft(listing)) return E.left(storeFailure(listing.left))
        const { items, unreadable } = listing.right
        if (options.json) out(JSON.stringify(items.map(itemJson), null, 2))
        else {
          const open = items.filter((i) => i.resolved === undefined).length
          out(`${items.length} quarantined item(s), ${open} unresolved`)
          for (const i of items) for (const line of itemLines(i)) out(line)
        }
        for (const u of unreadable)
          process.stderr.write(`callstate: quarantine event #${u.position} (${u.id}) is unreadable: ${u.problem}\n`)
        return E.right(undefined)
      })
    )

  quarantine
    .command('retry')
    .description('Re-decode every unresolved item with the current decoder and log those that now decode.')
    .option('--json', 'print the retry report as JSON')
    .addHelpText(
      'after',
      `
Items that now decode are appended to their stream (or found there already) and a QuarantineResolved
event is appended to the quarantine stream for each. Items that still fail stay unresolved.

Example:
  $ callstate quarantine retry --json`
    )
    .action((_opts: unknown, cmd: Command) =>
      withStore(cmd, async (store, options) => {
        const report = await retryQuarantine(store)()
        if (E.isLeft(report)) return E.left(storeFailure(report.left))
        const r = report.right
        if (options.json)
          out(
            JSON.stringify({
              retried: r.retried,
              resolved: r.resolved,
              stillQuarantined: r.stillQuarantined,
              items: r.items.map((i) => ({ id: i.id, sourceRef: i.sourceRef, result: i.result, outcome: i.outcome }))
            })
          )
        else for (const line of retryLines(r)) out(line)
        return E.right(undefined)
      })
    )
}
