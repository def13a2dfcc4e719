/**
 * The V8 options every patchmesh process is started with: bin/patchmesh.js's first line for a
 * direct start, and every place patchmesh starts itself (the demo's fleet, the namespace fleet,
 * the benchmarks; docker/ sets NODE_OPTIONS).
 *
 * A young generation of at most 8 MiB per semi-space, where Node.js 24 lets it grow to 32 MiB.
 * Moving chunks at hundreds of MB/s allocates a megabyte-sized buffer per chunk read and keeps
 * received pieces until their group commit; with the larger young generation that cost the
 * garbage collector far more. Measured with `npm run bench -- transfer` (1 GiB, both processes on
 * 2 cores): CPU per GiB 5.9 s -> 4.0 s serving and 9.0 s -> 8.2 s fetching, the fetching node's
 * peak RSS 252 -> 236 MiB. A bare libp2p stream runs the same with or without it.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8']
