// A usage error: the command line itself is wrong (exit 2), as opposed to an input that failed (exit 1).
export class UsageError extends Error {}

/** Throws a UsageError naming every option of `names` that is missing from `values`. */
export function required(values, ...names) {
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length) throw new UsageError(`${missing.map((n) => `--${n}`).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required`);
}
