// A software authenticator for the passkey tests without a browser: it makes a P-256 key pair per passkey and answers
// the server's options as a browser with a platform authenticator would (attestation "none", user present and
// verified), signing with node:crypto. The CBOR it needs (maps, byte and text strings, small integers) is written here.
import crypto from 'node:crypto';

type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 256) return Buffer.from([(major << 5) | 24, length]);
  const b = Buffer.alloc(3);
  b[0] = (major << 5) | 25;
  b.writeUInt16BE(length, 1);
  return b;
}

export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  const parts = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => crypto.createHash('sha256').update(data).digest();

interface Options { challenge: string; rp?: { id?: string }; rpId?: string; user?: { id: string } }

export interface SoftPasskey {
  credentialId: Buffer; privateKey: crypto.KeyObject; userHandle: string; rpId: string; counter: number;
  /** The COSE public key as the server stores it (base64url). */
  publicKey: string;
}

/** A browser and its authenticator at `origin`: it makes passkeys and logs in with them. */
export class SoftAuthenticator {
  readonly passkeys: SoftPasskey[] = [];
  constructor(readonly origin: string) {}

  /** Answers registration options (navigator.credentials.create) as RegistrationResponseJSON. */
  create(options: Options, overrides: { origin?: string; challenge?: string } = {}): Record<string, unknown> {
    const rpId = options.rp?.id ?? new URL(this.origin).hostname;
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = new Map<number, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x ?? '', 'base64url')], [-3, Buffer.from(jwk.y ?? '', 'base64url')]]);
    const credentialId = crypto.randomBytes(32);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([0x45]), Buffer.alloc(4), Buffer.alloc(16), idLength, credentialId, cbor(coseKey)]);
    const attestationObject = cbor(new Map<string, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    const clientData = JSON.stringify({
      type: 'webauthn.create', challenge: overrides.challenge ?? options.challenge, origin: overrides.origin ?? this.origin, crossOrigin: false,
    });
    this.passkeys.push({ credentialId, privateKey, userHandle: options.user?.id ?? '', rpId, counter: 0, publicKey: b64(cbor(coseKey)) });
    return {
      id: b64(credentialId), rawId: b64(credentialId), type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: { clientDataJSON: b64(clientData), attestationObject: b64(attestationObject), transports: ['internal', 'hybrid'] },
    };
  }

  /** A passkey made without a server (for a test that stores it itself), as `addPasskey` takes it (added from a weak session unless `registeredStrong`). */
  made(name = 'Testnyckel', registeredStrong = false): {
    credentialId: string; publicKey: string; userHandle: string; counter: number; transports: string[]; name: string; registeredStrong: boolean;
  } {
    this.create({ challenge: 'AAAA', user: { id: crypto.randomBytes(32).toString('base64url') } });
    const passkey = this.passkeys[this.passkeys.length - 1] as SoftPasskey;
    return { credentialId: b64(passkey.credentialId), publicKey: passkey.publicKey, userHandle: passkey.userHandle, counter: 0, transports: ['internal'], name, registeredStrong };
  }

  /** Answers login options (navigator.credentials.get) with one of its passkeys, as AuthenticationResponseJSON. */
  get(options: Options, passkey = this.passkeys[0], overrides: { origin?: string; userHandle?: string } = {}): Record<string, unknown> {
    if (!passkey) throw new Error('The authenticator has no passkey');
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(passkey.counter);
    const authData = Buffer.concat([sha256(passkey.rpId), Buffer.from([0x05]), counter]);
    const clientData = JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: overrides.origin ?? this.origin, crossOrigin: false });
    const signature = crypto.sign('sha256', Buffer.concat([authData, sha256(clientData)]), passkey.privateKey);
    return {
      id: b64(passkey.credentialId), rawId: b64(passkey.credentialId), type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: b64(clientData), authenticatorData: b64(authData), signature: b64(signature), userHandle: overrides.userHandle ?? passkey.userHandle,
      },
    };
  }
}
