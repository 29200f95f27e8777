/**
 * Several `callstate serve` nodes on one EventStoreDB (issue 18; docs/eventstoredb.md, "Several serve nodes"): two
 * real `serve` processes, each with its own data directory (its own local read models), share one log in the
 * wire-protocol double with 20 ms added to every call. The same notifications (the real captures of
 * ../shared/payloads and a simulated slice with duplicates, reordering and malformed lines) are posted to BOTH
 * nodes, concurrently and in different orders, as RingCentral behind a load balancer that sends a retry to another
 * node would; then copies of other notifications as a second subscription delivers them (same uuid, another
 * subscriptionId), each original to one node and its copy to the other at the same time; node B restarts between
 * the two. A 503 is retried, as RingCentral does, and counted. Then:
 * - every post is finally answered 200 or 202, and no node answered 503 on the way;
 * - every notification is in the log once, the same events as an embedded-store import of the same lines; of each
 *   original and copy, one is stored and the other kept in quarantine as a conflict;
 * - both nodes' read models reach the head of the log, each equals a rebuild from the log (`verify --esdb`), the
 *   two digests are equal, and equal to the embedded import's (the digest does not depend on the store's
 *   positions, nor on the order of arrival).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cliAsync, readLog, tempDir, writeLines } from './cli-helpers.js'
import { startEsdbGrpcDouble, type EsdbGrpcDouble } from './doubles/esdb-grpc-double.js'
import { eventually, pool, serveProcess, type ServeChild } from './serve-helpers.js'
import {
  captureTexts,
  cliJson,
  deliver,
  healthOf,
  otherSubscriptionCopy,
  quarantined,
  shuffled,
  simulatedSlice,
  storeFailures,
  uuidsOf,
  verify,
  withoutCrossCallUuids,
  type Verdict
} from './esdb-nodes-support.js'

const DELAY_MS = 20
/** Requests in flight per node. */
const IN_FLIGHT = 8
const SIMULATED = 400
const PAIRS = 20

const { kept: texts, apart } = withoutCrossCallUuids([...captureTexts(), ...simulatedSlice(SIMULATED)])
// Originals for the pairs: later simulated notifications whose uuid the texts above do not carry.
const known = new Set(texts.flatMap(uuidsOf))
const originals = [...new Set(simulatedSlice(SIMULATED + 3 * PAIRS).slice(SIMULATED)).values()].filter(
  (t) => otherSubscriptionCopy(t) !== undefined && uuidsOf(t).every((u) => !known.has(u))
)
const pairs = originals.slice(0, PAIRS).map((t) => ({ original: t, copy: otherSubscriptionCopy(t) ?? '' }))

const dirs = [tempDir('esdb-node-a'), tempDir('esdb-node-b')]
const embeddedDir = tempDir('esdb-nodes-embedded')
let double: EsdbGrpcDouble | undefined
let nodes: ServeChild[] = []
/** Per node, per post: the statuses it got. */
let answers: number[][][] = []
let embedded: Array<{ id: string; stream: string; data: string }> = []
let verdicts: Verdict[] = []
let restartExit: number | null = null
/** Each node's stdout (node B's over its restart). */
let outputs: Array<() => string> = []

const stored = () =>
  (double?.log.all ?? [])
    .filter((e) => !e.stream.startsWith('$'))
    .map((e) => ({ id: e.id, stream: e.stream, data: Buffer.from(e.data).toString('utf8') }))

/** The ids of a log, conflict entries apart (their id is the hash of whichever copy came second). */
const idsOf = (log: ReadonlyArray<{ id: string; stream: string; data: string }>) => ({
  ids: log
    .filter((e) => e.stream !== 'quarantine' || quarantined(e.data).reason !== 'conflict')
    .map((e) => e.id)
    .sort(),
  conflicts: log
    .filter((e) => e.stream === 'quarantine' && quarantined(e.data).reason === 'conflict')
    .map((e) => quarantined(e.data).uuid)
    .sort()
})

test.before(async () => {
  double = await startEsdbGrpcDouble(0, { delayMs: DELAY_MS })
  const url = double.url
  nodes = await Promise.all(dirs.map((dir) => serveProcess(dir, { globalArgs: ['--esdb', url] })))
  const [a, b] = nodes
  if (a === undefined || b === undefined) throw new Error('two nodes')
  // Both nodes at once: node A in file order, node B in another order.
  const send = (node: ServeChild, list: ReadonlyArray<string>) =>
    pool(
      list.map((text) => () => deliver(node.url, text)),
      IN_FLIGHT
    )
  const first = await Promise.all([send(a, texts), send(b, shuffled(texts, 18))])
  // Node B restarts on its data directory (its read models resume from their checkpoint) while A goes on.
  b.process.kill('SIGTERM')
  restartExit = await b.exited
  const b2 = await serveProcess(dirs[1] ?? '', { globalArgs: ['--esdb', url] })
  nodes = [a, b2]
  outputs = [a.output, () => b.output() + b2.output()]
  // Each original to node A while its other-subscription copy goes to node B.
  const originalsToA = pairs.map((p) => p.original)
  const copiesToB = pairs.map((p) => p.copy)
  const second = await Promise.all([send(a, originalsToA), send(b2, copiesToB)])
  answers = first.map((list, i) => [...list, ...(second[i] ?? [])])
  // The same lines imported into a fresh embedded store, in file order.
  const lines = [...texts, ...pairs.map((p) => p.original), ...pairs.map((p) => p.copy)]
  const file = writeLines(embeddedDir, 'notifications.ndjson', lines)
  const imported = await cliAsync(['--data-dir', embeddedDir, 'import', '--json', file]).done
  if (imported.code !== 0) throw new Error(`embedded import failed: ${imported.stderr}`)
  embedded = (await readLog(embeddedDir)).map((e) => ({ id: e.id, stream: e.stream, data: e.data }))
})

test.after(async () => {
  for (const node of nodes) if (node.process.exitCode === null) node.process.kill('SIGKILL')
  await double?.stop()
})

test('every post is finally answered 200 or 202 by each node', () => {
  assert.ok(texts.length > SIMULATED, `${texts.length} notifications (${apart.length} kept apart)`)
  assert.is(pairs.length, PAIRS)
  answers.forEach((perNode, i) => {
    const finals = perNode.map((statuses) => statuses[statuses.length - 1])
    assert.equal(
      finals.filter((s) => s !== 200 && s !== 202),
      [],
      `node ${i}: final answers other than 200/202`
    )
  })
})

test('no node answers 503 while the other writes the same notifications', () => {
  answers.forEach((perNode, i) => {
    const retried = perNode.filter((statuses) => statuses.includes(503)).length
    const reasons = [...new Set(storeFailures(outputs[i]?.() ?? ''))].slice(0, 3)
    assert.is(retried, 0, `node ${i}: ${retried} of ${perNode.length} posts got a 503 first: ${reasons.join('; ')}`)
  })
})

test('every notification is stored once, the same events an embedded import stores', () => {
  const log = stored()
  const seen = new Set<string>()
  const repeated = log.filter((e) => (seen.has(e.id) ? true : (seen.add(e.id), false)))
  assert.equal(
    repeated.map((e) => `${e.id} in ${e.stream}`),
    [],
    'ids stored more than once'
  )
  const ours = idsOf(log)
  const theirs = idsOf(embedded)
  assert.is(ours.ids.length, theirs.ids.length)
  assert.equal(ours.ids, theirs.ids)
  assert.equal(ours.conflicts, theirs.conflicts)
})

test('of an original and its copy from another subscription, sent to two nodes at once, one is kept', () => {
  const log = stored()
  for (const { original } of pairs) {
    const [uuid] = uuidsOf(original)
    const copies = log.filter((e) => e.stream !== 'quarantine' && uuidsOf(e.data).includes(uuid ?? ''))
    const conflicts = log.filter((e) => e.stream === 'quarantine' && quarantined(e.data).uuid === uuid)
    assert.is(copies.length, 1, `uuid ${uuid}: stored once`)
    assert.equal(
      conflicts.map((e) => quarantined(e.data).reason),
      ['conflict'],
      `uuid ${uuid}: the other copy in quarantine`
    )
  }
})

test('both nodes bring their read models to the head of the log', async () => {
  const caughtUp = await eventually(async () => {
    const health = await Promise.all(nodes.map(healthOf))
    return health.every((h) => h.head !== undefined && h.head > 0 && h.checkpoint === h.head)
      ? health.map((h) => h.checkpoint)
      : undefined
  }, 2400)
  assert.ok(caughtUp, 'both nodes reach the head within a minute')
  assert.is(caughtUp[0], caughtUp[1])
})

test('each node stops cleanly (B also at its restart); its read models equal a rebuild from the log, and both digests are equal', async () => {
  for (const node of nodes) node.process.kill('SIGTERM')
  assert.equal([restartExit, ...(await Promise.all(nodes.map((n) => n.exited)))], [0, 0, 0])
  const url = double?.url ?? ''
  verdicts = []
  for (const dir of dirs) verdicts.push(await verify(dir, url))
  assert.equal(
    verdicts.map((v) => v.equal),
    [true, true],
    JSON.stringify(verdicts)
  )
  assert.is(verdicts[0]?.live, verdicts[1]?.live)
  assert.is(verdicts[0]?.checkpoint, verdicts[1]?.checkpoint)
})

test('the digest equals that of an embedded-store import of the same notifications', async () => {
  const rebuilt = await cliJson(['--data-dir', embeddedDir, 'rebuild', '--json'])
  assert.ok(verdicts[0] !== undefined, 'the nodes were verified')
  assert.is(verdicts[0]?.live, rebuilt['digest'], 'a log in EventStoreDB and the same log in SQLite: one digest')
})

test.run()
