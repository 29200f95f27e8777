/**
 * The EventStoreDB subscription asks the server for callstate's stream prefixes only (`streamPrefixes`, derived
 * from `streams`), so a stream callstate writes that no prefix covers would never reach a live subscriber. Every
 * stream name the code produces must match one: the names `streams` makes, the streams ingest puts every kind of
 * notification and quarantine entry in (all the shared captures, plus input that is not a notification), and no
 * stream name written as a literal anywhere else in the sources.
 */
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { streamPrefixes, streams } from '@callstate/projections'
import { classify, type Prepared } from '@callstate/ingest'
import { PAYLOADS } from './serve-helpers.js'

const covered = (stream: string): boolean => streamPrefixes.some((prefix) => stream.startsWith(prefix))

const streamOf = (p: Prepared): string => (p._tag === 'notification' ? p.stream : streams.quarantine)

test('the prefixes are the streams callstate names, one each', () => {
  assert.equal([...streamPrefixes].sort(), ['messages-', 'presence-', 'quarantine', 'session-', 'unknown'])
  const named = [
    streams.session('s-1'),
    streams.presence('7'),
    streams.messages('7'),
    streams.unknown,
    streams.quarantine
  ]
  assert.equal(
    named.filter((s) => !covered(s)),
    []
  )
})

test('every stream ingest puts a capture, an unknown notification or a quarantine entry in has a prefix', () => {
  const files = fs.readdirSync(PAYLOADS).filter((f) => f.endsWith('.json'))
  const prepared = files.flatMap((file) =>
    classify({ raw: fs.readFileSync(path.join(PAYLOADS, file), 'utf8'), source: 'import-file', sourceRef: file }, 'now')
  )
  const odd = [
    'not json',
    '{"uuid":"u-1","event":"/restapi/v1.0/somewhere/else","timestamp":"2024-01-01T00:00:00Z","body":{}}'
  ]
  prepared.push(...odd.flatMap((raw, i) => classify({ raw, source: 'stdin', sourceRef: `odd:${i}` }, 'now')))
  const produced = [...new Set(prepared.map(streamOf))]
  for (const kind of ['session-', 'presence-', 'messages-', 'unknown', 'quarantine'])
    assert.ok(
      produced.some((s) => s.startsWith(kind)),
      `the inputs reach a ${kind} stream`
    )
  assert.equal(
    produced.filter((s) => !covered(s)),
    []
  )
})

test('no source names a stream with a literal: every stream name comes from `streams`', () => {
  const root = path.resolve(import.meta.dirname, '../../packages')
  const sources = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) return ['node_modules', 'dist', 'test'].includes(entry.name) ? [] : sources(full)
      return entry.name.endsWith('.ts') ? [full] : []
    })
  const literal = /\bstream:\s*['"`]|\b(?:appendToStream|append)\(\s*['"`]/
  const offenders = sources(root).filter((file) => literal.test(fs.readFileSync(file, 'utf8')))
  assert.equal(offenders, [])
})

test.run()
