/**
 * The collector's certificate authority, with node-forge (no hand-written ASN.1): a self-signed CA,
 * the collector's own server certificate, and agent client certificates issued from the CSR the
 * agent made with a key that never leaves it. RSA keys come from Node's native generator (forge
 * delegates to it), so init takes well under a second.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { GwsecError } from '../../src/model/errors.js';

const { pki, md } = forge;

export interface Ca {
  certPem: string;
  keyPem: string;
}

/** A positive serial of 16 random bytes (the top bit cleared, as DER INTEGERs are signed). */
function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

function keyPair(): forge.pki.rsa.KeyPair {
  return pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
}

function validity(cert: forge.pki.Certificate, days: number, now: Date): void {
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60_000); // tolerate small skew between hosts
  cert.validity.notAfter = new Date(now.getTime() + days * 86_400_000);
}

export function createCa(name: string, now = new Date()): Ca {
  const keys = keyPair();
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, 3650, now);
  const subject = [{ name: 'commonName', value: `gwsec collector CA ${name}` }, { name: 'organizationName', value: 'gwsec' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true, pathLenConstraint: 0 },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem: pki.privateKeyToPem(keys.privateKey) };
}

function loadCa(ca: Ca): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  return { cert: pki.certificateFromPem(ca.certPem), key: pki.privateKeyFromPem(ca.keyPem) as forge.pki.rsa.PrivateKey };
}

/** The collector's TLS server certificate for the names and addresses agents connect to. */
export function issueServerCert(ca: Ca, names: string[], now = new Date()): { certPem: string; keyPem: string } {
  const { cert: caCert, key: caKey } = loadCa(ca);
  const keys = keyPair();
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, 825, now);
  cert.setSubject([{ name: 'commonName', value: names[0] ?? 'gwsec-collector' }, { name: 'organizationName', value: 'gwsec' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
  ]);
  cert.sign(caKey, md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem: pki.privateKeyToPem(keys.privateKey) };
}

export interface IssuedCert {
  certPem: string;
  serial: string;
  fingerprint: string;
}

/**
 * An agent's client certificate: only the CSR's public key is taken (its subject is replaced by the
 * agent id the collector chose), and the CSR's self-signature must hold (proof the agent has the key).
 */
export function signAgentCsr(ca: Ca, csrPem: string, agentId: string, now = new Date(), days = 825): IssuedCert {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = pki.certificationRequestFromPem(csrPem);
  } catch (e) {
    throw new GwsecError('collector_bad_csr', { en: `the certificate request cannot be read: ${(e as Error).message}`, zh: `无法读取证书请求：${(e as Error).message}` });
  }
  if (!csr.verify()) throw new GwsecError('collector_bad_csr', { en: 'the certificate request is not signed by its own key', zh: '证书请求未由其自身密钥签名' });
  const pub = csr.publicKey as forge.pki.rsa.PublicKey | null;
  if (!pub || pub.n.bitLength() < 2048) throw new GwsecError('collector_bad_csr', { en: 'the certificate request needs an RSA key of at least 2048 bits', zh: '证书请求须使用至少 2048 位的 RSA 密钥' });
  const { cert: caCert, key: caKey } = loadCa(ca);
  const cert = pki.createCertificate();
  cert.publicKey = pub;
  cert.serialNumber = serial();
  validity(cert, days, now);
  cert.setSubject([{ name: 'commonName', value: agentId }, { name: 'organizationalUnitName', value: 'gwsec-agent' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  cert.sign(caKey, md.sha256.create());
  const certPem = pki.certificateToPem(cert);
  return { certPem, serial: cert.serialNumber, fingerprint: fingerprint(certPem) };
}

/** SHA-256 of the certificate's DER, lower-case hex without colons. */
export function fingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.replace(/:/g, '').toLowerCase();
}
