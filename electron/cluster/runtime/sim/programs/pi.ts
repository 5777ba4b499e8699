/** π to `digits` significant digits, rounded like Math::BigFloat (Machin's formula in BigInt fixed point). */
export function piDigits(digits: number): string {
  const guard = 10;
  const scale = 10n ** BigInt(digits + guard);
  const arctanInv = (x: bigint) => {
    let sum = 0n;
    let term = scale / x;
    const x2 = x * x;
    for (let n = 1n, sign = 1n; term !== 0n; n += 2n, sign = -sign) {
      sum += sign * (term / n);
      term /= x2;
    }
    return sum;
  };
  const pi = 16n * arctanInv(5n) - 4n * arctanInv(239n);
  // keep `digits` significant digits (one before the point), rounding half up on the guard digits
  const div = 10n ** BigInt(guard + 1);
  const rounded = (pi + 5n * 10n ** BigInt(guard)) / div * 1n;
  const s = rounded.toString();
  return digits <= 1 ? s : `${s[0]}.${s.slice(1, digits)}`;
}
