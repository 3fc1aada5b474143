// Types for the parts of sm-crypto 0.5.8 we use (the interop oracle in tests and benches).
// Import as `import sm from 'sm-crypto'; const { sm2, sm3, sm4 } = sm;` (named imports fail at run time).
declare module 'sm-crypto' {
  type Bytes = string | number[] | Uint8Array;
  interface Sm2SignOptions {
    der?: boolean;
    hash?: boolean;
    publicKey?: string;
    userId?: string;
  }
  interface Sm4Options {
    mode?: 'cbc' | 'ecb';
    iv?: string | number[] | Uint8Array;
    padding?: 'pkcs#7' | 'pkcs#5' | 'none';
    output?: 'string' | 'array';
  }
  const sm: {
    sm2: {
      generateKeyPairHex(): { privateKey: string; publicKey: string };
      getPublicKeyFromPrivateKey(privateKey: string): string;
      doSignature(msg: Bytes, privateKey: string, options?: Sm2SignOptions): string;
      doVerifySignature(msg: Bytes, signHex: string, publicKey: string, options?: Omit<Sm2SignOptions, 'publicKey'>): boolean;
    };
    sm3(input: Bytes, options?: { key: string | number[] | Uint8Array; mode?: 'hmac' }): string;
    sm4: {
      encrypt(input: Bytes, key: string | number[] | Uint8Array, options: Sm4Options & { output: 'array' }): number[];
      encrypt(input: Bytes, key: string | number[] | Uint8Array, options?: Sm4Options): string;
      decrypt(input: Bytes, key: string | number[] | Uint8Array, options: Sm4Options & { output: 'array' }): number[];
      decrypt(input: Bytes, key: string | number[] | Uint8Array, options?: Sm4Options): string;
    };
  };
  export default sm;
}
