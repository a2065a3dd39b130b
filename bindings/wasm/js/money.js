// Exact arithmetic on the amounts huimin returns ("170.00"): decimal strings read as BigInt
// counts of their last digit, so an amount never becomes a JS number.

const AMOUNT = /^(-?)(\d+)(?:\.(\d+))?$/;

/** `amount` as `{units, scale}`: `"-1.50"` is -150 hundredths. */
function parse(amount) {
  const m = typeof amount === 'string' ? AMOUNT.exec(amount) : null;
  if (m === null) {
    const got = typeof amount === 'string' ? JSON.stringify(amount) : typeof amount === 'bigint' ? `${amount}n` : String(amount);
    throw new TypeError(`huimin Money: expected a decimal string such as "170.00" or "-1.5", got ${got}`);
  }
  const fraction = m[3] ?? '';
  const units = BigInt(m[2] + fraction);
  return { units: m[1] ? -units : units, scale: fraction.length };
}

/** Both amounts as units of the finer of their scales, and that scale. */
function aligned(a, b) {
  const [x, y] = [parse(a), parse(b)];
  const scale = Math.max(x.scale, y.scale);
  return [x.units * 10n ** BigInt(scale - x.scale), y.units * 10n ** BigInt(scale - y.scale), scale];
}

/** Units at a scale as a decimal string; `grouped` puts a comma every three integer digits. */
function text(units, scale, grouped = false) {
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  let whole = digits.slice(0, digits.length - scale);
  if (grouped) whole = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${units < 0n ? '-' : ''}${whole}${scale > 0 ? `.${digits.slice(-scale)}` : ''}`;
}

/**
 * Exact operations on amounts (decimal strings). Results keep the finer scale of the operands
 * (`add("0.1", "0.20")` is `"0.30"`); a malformed amount, or a number, throws a TypeError.
 */
export const Money = Object.freeze({
  /** `a + b`. */
  add(a, b) {
    const [x, y, scale] = aligned(a, b);
    return text(x + y, scale);
  },

  /** `a - b`. */
  subtract(a, b) {
    const [x, y, scale] = aligned(a, b);
    return text(x - y, scale);
  },

  /** -1, 0 or 1 as `a` is less than, equal to or greater than `b` (for `Array.prototype.sort`). */
  compare(a, b) {
    const [x, y] = aligned(a, b);
    return x < y ? -1 : x > y ? 1 : 0;
  },

  /** Whether `a` and `b` are the same amount (`"1.5"` and `"1.50"` are). */
  equals(a, b) {
    const [x, y] = aligned(a, b);
    return x === y;
  },

  /**
   * For display, with at least two decimals and never rounded: `"1234.5"` is `"1,234.50 元"`
   * (`locale: "zh"`, the default) or `"¥1,234.50"` (`locale: "en"`).
   */
  format(amount, { locale = 'zh' } = {}) {
    if (locale !== 'zh' && locale !== 'en') {
      throw new RangeError(`huimin Money.format: locale must be "zh" or "en", not ${JSON.stringify(locale)}`);
    }
    const { units, scale } = parse(amount);
    const cents = text(units * 10n ** BigInt(Math.max(0, 2 - scale)), Math.max(scale, 2), true);
    if (locale === 'zh') return `${cents} 元`;
    return cents.startsWith('-') ? `-¥${cents.slice(1)}` : `¥${cents}`;
  },
});
