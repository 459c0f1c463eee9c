// Resident memory of processes from /proc (Linux): the renderers a test's Chromium started, their
// current and peak RSS, and a reset of the peak (so VmHWM afterwards is the peak since the reset).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null; // exited
  }
}

/** Pids of this process's descendants whose command line contains `flag` (e.g. '--type=renderer'). */
export function descendants(flag, root = process.pid) {
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const parent = new Map(pids.map((p) => [p, parentOf(p)]));
  const under = (p) => {
    for (let q = parent.get(p); q; q = parent.get(q)) if (q === root) return true;
    return false;
  };
  return pids.filter((p) => {
    if (!under(p)) return false;
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(flag);
    } catch {
      return false;
    }
  });
}

/** { rss, peak } in bytes (VmRSS, VmHWM). */
export function residentOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(/(\d+) kB/.exec(status.split('\n').find((l) => l.startsWith(`${name}:`)))[1]) * 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Resets the peak RSS of pid to its current RSS. */
export function resetPeak(pid) {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
