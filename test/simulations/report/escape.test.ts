import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runInNewContext } from 'node:vm'

import { escapeHtml, inlineScript, scriptJson } from '../../../simulations/report/escape.ts'
import { HOSTILE } from './fixtures.ts'

describe('escapeHtml', () => {
  it('replaces every character that could start markup or end an attribute', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    )
  })
})

describe('scriptJson', () => {
  it('keeps strings that close a script or open a comment from reaching the HTML parser', () => {
    const json = scriptJson({ name: HOSTILE, note: '<!-- \u2028 \u2029' })

    assert.doesNotMatch(json, /[<>&\u2028\u2029]/)
    assert.deepEqual(JSON.parse(json), { name: HOSTILE, note: '<!-- \u2028 \u2029' })
  })

  it('writes numbers JSON cannot hold as null', () => {
    assert.equal(scriptJson([Infinity, -Infinity, NaN, 1]), '[null,null,null,1]')
  })
})

describe('inlineScript', () => {
  it('leaves no end tag or comment opener in a script while keeping what it means', () => {
    const source = 'var s = "</script><!--"; var r = /<\\/SCRIPT>/'

    const inlined = inlineScript(source)

    assert.doesNotMatch(inlined, /<\/script|<!--/i)
    assert.equal(runInNewContext(`${inlined}; s`), '</script><!--')
  })
})
