/**
 * The report's directory, made ready before a long run so that a directory that cannot be
 * written fails the command at once instead of after the run.
 */
import { access, constants } from 'node:fs/promises'
import { makeDirectory } from '../../src/util/files.ts'
import { ReportDirectoryError } from './errors.ts'

/**
 * Creates `dir` (and missing parents) and checks that it is a directory this process may write.
 * Throws {@link ReportDirectoryError} naming the directory and why.
 */
export async function prepareReportDir(dir: string): Promise<void> {
  try {
    await makeDirectory(dir)
    await access(dir, constants.W_OK)
  } catch (err) {
    const { code, path } = err as NodeJS.ErrnoException
    const reason = code === 'ENOTDIR' ? `${path} is not a directory` : (err as Error).message
    throw new ReportDirectoryError(dir, reason, err)
  }
}
