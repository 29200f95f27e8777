/** A read-model file that cannot be opened is a value naming the file, not a thrown exception. */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import { openReadModels } from '../src/index.js'
import { tempDir } from './readmodels.support.js'

test('a data directory that is a file: ReadModelsUnavailable with the file and the cause', () => {
  const dir = tempDir()
  const notADir = path.join(dir, 'plain-file')
  writeFileSync(notADir, 'not a directory')
  const opened = openReadModels({ dataDir: notADir })
  assert.ok(E.isLeft(opened))
  if (E.isRight(opened)) return
  assert.is(opened.left._tag, 'ReadModelsUnavailable')
  assert.is(opened.left.file, path.join(notADir, 'readmodels.db'))
  assert.match(opened.left.cause, /EEXIST|ENOTDIR/)
})

test('a file that is not a database: ReadModelsUnavailable, in a shared or a scratch file', () => {
  const dir = tempDir()
  const file = path.join(dir, 'garbage.db')
  writeFileSync(file, 'this is not an SQLite database, and it is long enough to have a header'.repeat(20))
  for (const options of [{}, { scratch: true }]) {
    const opened = openReadModels({ file }, options)
    assert.equal(E.isLeft(opened) ? opened.left._tag : 'opened', 'ReadModelsUnavailable', JSON.stringify(options))
  }
})

test.run()
