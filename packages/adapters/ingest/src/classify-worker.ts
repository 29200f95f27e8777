/**
 * The entry point of an import worker thread (started by ./worker-pool.ts): decodes each piece of whole lines it
 * is sent, classifies it (parse, decode, hash, ids: ./classify-lines.ts) and posts the prepared events back, one
 * reply per request, in order. It holds nothing between pieces.
 *
 * A message it cannot read is a bug on the main thread's side: it throws, which ends the worker and reaches the
 * main thread as the worker's `error` event (reported there as a `WorkerFailure`).
 */
import { parentPort, workerData } from 'node:worker_threads'
import { classifyLines } from './classify-lines.js'
import { encodeReply, isClassifyRequest, isWorkerData } from './worker-protocol.js'

const port = parentPort
if (port === null) throw new Error('classify-worker.js runs as a worker thread only')
const setup: unknown = workerData
if (!isWorkerData(setup)) throw new Error(`classify worker: unexpected setup ${JSON.stringify(setup)}`)

// `fatal: false`: invalid UTF-8 becomes U+FFFD, as the sequential reader's StringDecoder does.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

// The reply goes to the pool's reply port, where it waits until the main thread takes it; the signal on the
// parent port only says that it is there (./worker-pool.ts).
const { replies } = setup
port.on('message', (message: unknown) => {
  if (!isClassifyRequest(message)) throw new Error('classify worker: unexpected request')
  const text = decoder.decode(message.bytes)
  replies.postMessage(encodeReply(classifyLines(text, message.firstLine, setup.name, setup.source, message.receivedAt)))
  port.postMessage(0)
})
