import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { NODE_FLAGS } from '../../src/util/runtime.ts'

const ROOT = join(import.meta.dirname, '../..')
const read = (path: string) => readFile(join(ROOT, path), 'utf8')

describe('NODE_FLAGS', () => {
  it('are the options bin/patchmesh.js starts Node.js with', async () => {
    const shebang = (await read('bin/patchmesh.js')).split('\n')[0]

    assert.equal(shebang, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`)
  })

  it('are the NODE_OPTIONS of the docker image', async () => {
    assert.match(
      await read('docker/Dockerfile'),
      new RegExp(`^ENV NODE_OPTIONS=${NODE_FLAGS.join(' ')}$`, 'm'),
    )
  })

  it('are given to Node.js by the npm scripts that start patchmesh', async () => {
    const { scripts } = JSON.parse(await read('package.json')) as {
      scripts: Record<string, string>
    }

    for (const name of ['demo', 'simulate']) {
      assert.equal(scripts[name].split(' bin/patchmesh.js')[0], `node ${NODE_FLAGS.join(' ')}`)
    }
  })
})
