import fs from 'node:fs';
import path from 'node:path';

/** Enough of a log to see what went wrong near the end, without filling the disk with audit. */
const MAX_BYTES_PER_LOG = 4 * 1024 * 1024;

/**
 * Copies the logs under `from` (the hub's components and the real tenants' processes) to `to`,
 * keeping the folders they are in, and each one's last {@link MAX_BYTES_PER_LOG} bytes. Audit logs
 * are left out: they are the largest and tell what was asked, not why something failed. Returns
 * how many logs were kept.
 */
export function keepLogs(from: string, to: string): number {
  let kept = 0;
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const source = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        visit(source);
      } else if (entry.name.endsWith('.log') && !/audit/.test(entry.name)) {
        const target = path.join(to, path.relative(from, source));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const { size } = fs.statSync(source);
        const start = Math.max(0, size - MAX_BYTES_PER_LOG);
        const tail = Buffer.alloc(size - start);
        const fd = fs.openSync(source, 'r');
        try {
          fs.readSync(fd, tail, 0, tail.length, start);
        } finally {
          fs.closeSync(fd);
        }
        fs.writeFileSync(target, tail);
        kept += 1;
      }
    }
  };
  if (fs.existsSync(from)) visit(from);
  return kept;
}
