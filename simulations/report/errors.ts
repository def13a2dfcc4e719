/** The report's directory cannot be created or written. */
export class ReportDirectoryError extends Error {
  override readonly name = 'ReportDirectoryError'
  readonly directory: string

  constructor(directory: string, reason: string, cause?: unknown) {
    super(`cannot write the report into ${directory}: ${reason}`, { cause })
    this.directory = directory
  }
}

/** The charting library's browser build is not where the report expects it in node_modules. */
export class ChartLibraryMissingError extends Error {
  override readonly name = 'ChartLibraryMissingError'
  readonly path: string

  constructor(path: string, cause?: unknown) {
    super(`the Chart.js browser build is missing at ${path}; run npm install`, { cause })
    this.path = path
  }
}
