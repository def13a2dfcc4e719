/**
 * A patch bundle: everything needed to release one patch, in one directory, made without any
 * network by `patchmesh publish` and seeded by `patchmesh authority start`.
 *
 *   announcement.signed   the signed announcement
 *   manifest.bin          the manifest the announcement names by hash
 *   data                  the patch file itself
 *   roots/<v>.signed      the publisher's root history, for verifiers with an older anchor
 *   bundle.json           a summary for people; unsigned, never trusted by any check
 *   revocation.signed     only once the patch is revoked (`patchmesh revoke`)
 */
import { copyFile, constants, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readBoundedFile, makeDirectory } from '../util/files.ts'
import { MAX_ENVELOPE_BYTES, MAX_MANIFEST_BYTES } from '../wire/limits.ts'
import { BundleError } from './errors.ts'

export interface BundleFiles {
  announcement: Uint8Array
  manifest: Uint8Array
  roots: Uint8Array[]
}

export interface BundleSummary {
  patchId: string
  name: string
  version: string
  size: number
  sha256: string
  chunkSize: number
  chunks: number
}

export const bundlePaths = (dir: string) => ({
  announcement: join(dir, 'announcement.signed'),
  manifest: join(dir, 'manifest.bin'),
  data: join(dir, 'data'),
  roots: join(dir, 'roots'),
  summary: join(dir, 'bundle.json'),
  revocation: join(dir, 'revocation.signed'),
})

/** Creates `dir` (which must not exist or be empty) and copies the patch file into it. */
export async function startBundle(dir: string, file: string): Promise<string> {
  await makeDirectory(dir)
  if ((await readdir(dir)).length > 0) throw new BundleError(dir, 'output directory is not empty')

  const paths = bundlePaths(dir)
  try {
    // A reflink where the file system can, else a kernel copy: data never passes through JS.
    await copyFile(file, paths.data, constants.COPYFILE_FICLONE)
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }

  return paths.data
}

/** Writes the signed parts next to the data. */
export async function finishBundle(
  dir: string,
  files: BundleFiles,
  summary: BundleSummary,
): Promise<void> {
  const paths = bundlePaths(dir)
  await makeDirectory(paths.roots)
  await writeFile(paths.manifest, files.manifest)
  for (const [i, root] of files.roots.entries()) {
    await writeFile(join(paths.roots, `${i + 1}.signed`), root)
  }
  await writeFile(paths.summary, JSON.stringify(summary, null, 2) + '\n')
  // The announcement goes last: a bundle with one is complete.
  await writeFile(paths.announcement, files.announcement)
}

/** Reads a bundle's signed parts; verification is the reader's job. */
export async function readBundle(
  dir: string,
): Promise<BundleFiles & { data: string; rootFiles: string[] }> {
  const paths = bundlePaths(dir)
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw new BundleError(dir, 'is not a directory')
  }
  const announcement = await readBoundedFile(paths.announcement, MAX_ENVELOPE_BYTES, 'announcement')
  const manifest = await readBoundedFile(paths.manifest, MAX_MANIFEST_BYTES, 'manifest')
  const rootFiles = (await readdir(paths.roots).catch(() => [] as string[])).filter((f) =>
    f.endsWith('.signed'),
  )
  const roots = await Promise.all(
    rootFiles.map((f) => readBoundedFile(join(paths.roots, f), MAX_ENVELOPE_BYTES, 'root')),
  )

  return {
    announcement,
    manifest,
    roots,
    rootFiles: rootFiles.map((f) => join(paths.roots, f)),
    data: paths.data,
  }
}
