import assert from 'node:assert/strict'
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'

import { PatchNode } from '../../src/node/node.ts'
import type { PatchNodeOptions } from '../../src/node/node.ts'
import { scratch, silent } from '../store/helpers.ts'

describe('PatchNode.start option checks', () => {
  let dir: string
  let remove: () => Promise<void>

  beforeEach(async () => {
    ;({ dir, remove } = await scratch())
  })
  afterEach(() => remove())

  const cases: Array<{ why: string; opts: Partial<PatchNodeOptions>; error: string }> = [
    {
      why: 'an unknown time zone',
      opts: { timeZone: 'Mars/Olympus' },
      error: 'InvalidTimeZoneError',
    },
    { why: 'a NaN download limit', opts: { wanDownMbit: Number.NaN }, error: 'InvalidRateError' },
    { why: 'a negative upload limit', opts: { wanUpMbit: -5 }, error: 'InvalidRateError' },
  ]
  for (const { why, opts, error } of cases) {
    it(`refuses ${why} with ${error} before it opens anything`, async () => {
      const dataDir = join(dir, 'node')
      const node = new PatchNode({ dataDir, site: 's', log: silent, ...opts })

      await assert.rejects(node.start(), { name: error })
      await assert.rejects(access(dataDir), { code: 'ENOENT' })
    })
  }
})
