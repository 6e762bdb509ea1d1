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

// A personnummer or samordningsnummer: YYMMDD-NNNN / YYMMDD+NNNN, YYYYMMDD-NNNN, or YYYYMMDDNNNN (a ten-digit run
// without a separator is left alone: it is far more often a phone number).
const IDENTITY_NUMBER = /(?<![\d-])((?:19|20)?)(\d{6})([-+])(\d{4})(?![\d-])|(?<![\d-])(19|20)(\d{6})(\d{4})(?![\d-])/g;

/** The personal identity numbers in a text: shaped like one, with a real month and day, and the right check digit. */
export function findIdentityNumbers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(IDENTITY_NUMBER)) {
    const date = m[2] ?? m[6];
    const serial = m[4] ?? m[7];
    const month = Number(date.slice(2, 4));
    const day = Number(date.slice(4, 6));
    const plainDay = day > 60 ? day - 60 : day; // samordningsnummer: day + 60
    if (month < 1 || month > 12 || plainDay < 1 || plainDay > 31) continue;
    if (checkDigit(`${date}${serial.slice(0, 3)}`) !== Number(serial[3])) continue;
    found.push(m[0]);
  }
  return found;
}

/** Whether a text someone typed (a username, a name, an address) holds a personnummer, which must never be shown. */
export function containsIdentityNumber(text: string): boolean {
  return findIdentityNumbers(text).length > 0;
}
