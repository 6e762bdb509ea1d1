// The bench's number options (`--minutes 2`, `--children 50000`): a wrong value stops the run with the usage text.

/** A reader of number options that names the option and shows `usage` when a value is not a number of at least `min`. */
export function numberOption(usage: string): (raw: string | undefined, fallback: number, name: string, min: number) => number {
  return (raw, fallback, name, min) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${raw}"\n\n${usage}`);
    return value;
  };
}
