/**
 * Exact decimal arithmetic over BigInt, for quantities and money (decision record 0311). A JSON number arrives
 * as a binary double; its shortest round-trip text (`String(value)`, e.g. `0.1`) is taken as the decimal the
 * sender meant, and from there sums and products are exact: 0.1 + 0.2 is 0.3, and no amount overflows to
 * Infinity. Rounding happens once, where a value is shown (quantities to 9 decimals, USD to 6).
 */

const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

export class Decimal {
  static readonly ZERO = new Decimal(0n, 0);

  /** value = units / 10^scale, scale ≥ 0. */
  private constructor(
    readonly units: bigint,
    readonly scale: number,
  ) {}

  /** The decimal a finite double stands for (its shortest round-trip text). Throws on NaN and ±Infinity. */
  static of(value: number): Decimal {
    const m = NUMBER_TEXT.exec(String(value)); // `NaN`, `Infinity` and `-Infinity` have no digits to match
    if (!m) throw new RangeError(`not a finite number: ${value}`);
    const [, sign, whole, fraction = '', exponent] = m;
    const units = BigInt(`${sign}${whole}${fraction}`);
    const scale = fraction.length - Number(exponent ?? 0);
    // A negative scale (`1e+21`: exponent 21, no fraction) is written out as trailing zeros.
    return new Decimal(units * pow10(Math.max(0, -scale)), Math.max(0, scale));
  }

  /** The exact sum of the numbers. */
  static sum(values: Iterable<number>): Decimal {
    let total = Decimal.ZERO;
    for (const v of values) total = total.plus(Decimal.of(v));
    return total;
  }

  #at(scale: number): bigint {
    return this.units * pow10(scale - this.scale);
  }

  plus(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.#at(scale) + other.#at(scale), scale);
  }

  minus(other: Decimal): Decimal {
    return this.plus(other.negate());
  }

  times(other: Decimal): Decimal {
    return new Decimal(this.units * other.units, this.scale + other.scale);
  }

  negate(): Decimal {
    return new Decimal(-this.units, this.scale);
  }

  /** Rounded to `digits` decimals, halves away from zero (commercial rounding). */
  round(digits: number): Decimal {
    if (this.scale <= digits) return this;
    const divisor = pow10(this.scale - digits);
    const quotient = this.units / divisor; // truncates toward zero
    const twiceRest = (this.units % divisor) * 2n;
    const away = twiceRest >= divisor ? 1n : twiceRest <= -divisor ? -1n : 0n;
    return new Decimal(quotient + away, digits);
  }

  /** Plain decimal text, no exponent, no trailing zeros after the point (`-12.5`, `0.000001`, `744000000000`). */
  toString(): string {
    const negative = this.units < 0n;
    const digits = (negative ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const whole = digits.slice(0, digits.length - this.scale);
    const fraction = digits.slice(digits.length - this.scale).replace(/0+$/, '');
    const text = fraction ? `${whole}.${fraction}` : whole;
    return negative ? `-${text}` : text; // units < 0 has a digit other than 0, so never `-0`
  }

  /**
   * The nearest double: exactly this value whenever it has at most 15 significant digits (every amount below
   * 10^9 USD at the micro-dollar, every quantity below 10^6 at 9 decimals), which JSON then prints exactly.
   */
  toNumber(): number {
    return Number(this.toString()); // never -0: BigInt has none, and toString writes no `-0`
  }
}
