/**
 * EventStoreDB: import, catch-up and the webhook through two serve nodes, against the EventStoreDB TEST DOUBLE run as
 * its own process with each delay per call in turn (bench/lib/esdb-bench.mjs). The double is in memory and is not
 * EventStoreDB: the figures measure callstate's adapter under latency.
 *
 * Usage: node bench/workers/esdb.mjs <file> <datasetLines> <workDir> <config JSON>
 *   config: { esdbSize, esdbDelays, esdbWebhookSeconds, esdbWebhookConnections, esdbStepMinutes }
 */
import { runEsdbBench } from '../lib/esdb-bench.mjs'
import { note, report } from '../lib/worker.mjs'

const [file, sizeText, work, configText] = process.argv.slice(2)
const options = JSON.parse(configText ?? '{}')
const result = await runEsdbBench({ file, size: Number(sizeText), work, options, log: note })
report(result)
// The double and the nodes are stopped; autocannon's agents may keep sockets: do not wait for them.
process.exit(0)
