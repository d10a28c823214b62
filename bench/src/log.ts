/** Progress for whoever runs a benchmark, on stderr: stdout holds only the benchmark's table. */
export const log = (message: string) =>
  process.stderr.write(`[bench] ${message}\n`);
