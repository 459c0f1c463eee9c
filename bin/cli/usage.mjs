// A usage error: the command line itself is wrong (exit 2), as opposed to an input that failed (exit 1).
export class UsageError extends Error {}
