#!/usr/bin/env -S node --max-semi-space-size=8
// (The options of src/util/runtime.ts: keep the two alike.)
// Entry point. Plain JavaScript that any Node.js can parse, so that an old runtime gets a
// one-line explanation instead of a syntax error: patchmesh runs its TypeScript sources
// directly, which needs Node.js 22.18 or newer (type stripping on by default).
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `patchmesh needs Node.js 22.18 or newer (this is ${process.version}): install Node.js 24 LTS, ` +
      'or run it from a checkout with `npx patchmesh`, which uses the Node.js in node_modules.',
  )
  process.exit(1)
}

await import('../src/cli/main.ts')
