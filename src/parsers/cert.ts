/**
 * X.509 certificates -> the least-sensitive summary checks need. Public data only. node-forge reads
 * the ASN.1 (signature and key algorithm OIDs, works for RSA, EC and SM2 alike); Node's
 * X509Certificate supplies names, dates and the SHA-256 fingerprint (it also parses SM2 certificates,
 * which forge's high-level API refuses).
 */
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';

export interface CertSummary {
  subject: string;
  issuer: string;
  not_before: string; // ISO
  not_after: string; // ISO
  key_type: 'RSA' | 'EC' | 'SM2' | 'DSA' | 'Ed25519' | 'Ed448' | 'unknown';
  key_bits: number | null;
  curve: string | null;
  sig_alg: string; // e.g. sha256WithRSAEncryption, SM2-with-SM3, ecdsa-with-SHA256
  sha256_fingerprint: string;
  self_signed: boolean;
}

const SIG_ALGS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-SHA256',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.156.10197.1.501': 'SM2-with-SM3',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

const CURVES: Record<string, [string, number]> = {
  '1.2.840.10045.3.1.7': ['P-256', 256],
  '1.3.132.0.34': ['P-384', 384],
  '1.3.132.0.35': ['P-521', 521],
  '1.3.132.0.10': ['secp256k1', 256],
  '1.2.840.10045.3.1.1': ['P-192', 192],
  '1.3.132.0.33': ['P-224', 224],
  '1.2.156.10197.1.301': ['SM2', 256],
};

export function splitPemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

function oidAt(node: forge.asn1.Asn1 | undefined): string | null {
  if (!node || node.type !== forge.asn1.Type.OID || typeof node.value !== 'string') return null;
  return forge.asn1.derToOid(node.value);
}

function kids(node: forge.asn1.Asn1 | undefined): forge.asn1.Asn1[] {
  return node && Array.isArray(node.value) ? (node.value as forge.asn1.Asn1[]) : [];
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

/** Throws on text that is not a certificate. */
export function summariseCertificate(pem: string): CertSummary {
  const x = new X509Certificate(pem);
  const der = forge.util.decode64(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''));
  const root = forge.asn1.fromDer(der);
  const [tbs, sigAlgSeq] = kids(root);
  const sigOid = oidAt(kids(sigAlgSeq)[0]);
  // tbsCertificate: [0] version?, serial, signature, issuer, validity, subject, subjectPublicKeyInfo
  const tbsKids = kids(tbs);
  const off = tbsKids[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const spki = tbsKids[off + 5];
  const [algSeq, bitString] = kids(spki);
  const keyOid = oidAt(kids(algSeq)[0]);
  const paramOid = oidAt(kids(algSeq)[1]);
  let keyType: CertSummary['key_type'] = 'unknown';
  let keyBits: number | null = null;
  let curve: string | null = null;
  if (keyOid === '1.2.840.113549.1.1.1' || keyOid === '1.2.840.113549.1.1.10') {
    keyType = 'RSA';
    keyBits = x.publicKey.asymmetricKeyDetails?.modulusLength ?? null;
    if (keyBits === null && bitString) {
      const rsa = forge.pki.publicKeyFromAsn1(spki!) as forge.pki.rsa.PublicKey;
      keyBits = rsa.n.bitLength();
    }
  } else if (keyOid === '1.2.840.10045.2.1' || keyOid === '1.2.156.10197.1.301') {
    const c = paramOid ? CURVES[paramOid] : undefined;
    curve = c?.[0] ?? paramOid;
    keyBits = c?.[1] ?? null;
    keyType = curve === 'SM2' || keyOid === '1.2.156.10197.1.301' ? 'SM2' : 'EC';
  } else if (keyOid === '1.2.840.10040.4.1') {
    keyType = 'DSA';
  } else if (keyOid === '1.3.101.112') {
    keyType = 'Ed25519';
    keyBits = 256;
  } else if (keyOid === '1.3.101.113') {
    keyType = 'Ed448';
    keyBits = 456;
  }
  return {
    subject: oneLine(x.subject),
    issuer: oneLine(x.issuer),
    not_before: new Date(x.validFrom).toISOString(),
    not_after: new Date(x.validTo).toISOString(),
    key_type: keyType,
    key_bits: keyBits,
    curve,
    sig_alg: (sigOid && SIG_ALGS[sigOid]) ?? sigOid ?? 'unknown',
    sha256_fingerprint: x.fingerprint256,
    self_signed: x.subject === x.issuer,
  };
}
