// Swedish personnummer and samordningsnummer (day + 60): the check digit, and making valid ones for demo data.

/** The Luhn check digit of a personnummer's first nine digits (YYMMDDNNN). */
export function checkDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    if (n > 9) n -= 9;
    sum += n;
  }
  return (10 - (sum % 10)) % 10;
}

/** A valid personnummer (YYYYMMDD-NNNC) for a birth date; a samordningsnummer adds 60 to the day. */
export function identityNumber(birthDate: string, serial: number, samordning = false): string {
  const [y, m, d] = birthDate.split('-');
  const day = String(Number(d) + (samordning ? 60 : 0)).padStart(2, '0');
  const body = `${y.slice(2)}${m}${day}${String(serial % 1000).padStart(3, '0')}`;
  return `${y}${m}${day}-${body.slice(6)}${checkDigit(body)}`;
}
