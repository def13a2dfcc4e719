/**
 * The report's directory, made ready before a long run so that a directory that cannot be
 * written fails the command at once instead of after the run.
 */
import { access, constants, mkdir, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { ReportDirectoryError } from './errors.ts'

/**
 * Creates `dir` (and missing parents) and checks that it is a directory this process may write.
 * Throws {@link ReportDirectoryError} naming the directory and why. Parents are created one at a
 * time rather than with a recursive mkdir, which never returns under /proc on Node.js 24.
 */
export async function prepareReportDir(dir: string): Promise<void> {
  const missing: string[] = []
  let at = resolve(dir)
  for (;;) {
    const found = await stat(at).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined
      throw new ReportDirectoryError(dir, err.message, err)
    })
    if (found !== undefined) {
      if (!found.isDirectory()) throw new ReportDirectoryError(dir, `${at} is not a directory`)
      break
    }
    missing.unshift(at)
    const parent = dirname(at)
    if (parent === at) break
    at = parent
  }

  try {
    for (const path of missing) await mkdir(path)
    await access(resolve(dir), constants.W_OK)
  } catch (err) {
    throw new ReportDirectoryError(dir, (err as Error).message, err)
  }
}
