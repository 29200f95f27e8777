import { test } from 'uvu'
import * as assert from 'uvu/assert'

test('workspace is wired', () => {
  assert.equal(1 + 1, 2)
})

test.run()
