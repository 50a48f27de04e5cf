//! RSA keys rebuilt into the exact encodings EC2 hashes: the DER PKCS#8 private key (created
//! key pairs), the DER SubjectPublicKeyInfo (imported key pairs) and the SSH public blob.
//!
//! OpenSSH and PuTTY files omit the CRT exponents `dp = d mod (p-1)` and `dq = d mod (q-1)`
//! that PKCS#1 requires, so they are recomputed here with `num-bigint`.
//!
//! Private values live only in [`RsaPrivate`], which has no `Debug`, no `Serialize` and never
//! leaves the `keys` module: callers only see hashes of them.

use num_bigint::BigUint;

use super::der;
use super::wire;

/// An RSA public key as unsigned big-endian magnitudes without leading zeros.
pub(crate) struct RsaPublic {
    pub n: Vec<u8>,
    pub e: Vec<u8>,
}

/// An RSA private key with all PKCS#1 components (big-endian magnitudes).
pub(crate) struct RsaPrivate {
    n: Vec<u8>,
    e: Vec<u8>,
    d: Vec<u8>,
    p: Vec<u8>,
    q: Vec<u8>,
    dp: Vec<u8>,
    dq: Vec<u8>,
    qinv: Vec<u8>,
}

/// The parts OpenSSH and PuTTY store; `dp`/`dq` are derived.
pub(crate) struct RsaParts<'a> {
    pub n: &'a [u8],
    pub e: &'a [u8],
    pub d: &'a [u8],
    pub p: &'a [u8],
    pub q: &'a [u8],
    pub qinv: &'a [u8],
}

impl RsaPublic {
    /// Parses an SSH `ssh-rsa` public blob (`string "ssh-rsa", mpint e, mpint n`).
    pub(crate) fn from_ssh_blob(blob: &[u8]) -> Option<Self> {
        let mut r = wire::Reader::new(blob);
        if r.string()? != b"ssh-rsa" {
            return None;
        }
        let e = r.mpint()?;
        let n = r.mpint()?;
        (!n.is_empty() && !e.is_empty()).then_some(Self { n, e })
    }

    pub(crate) fn ssh_blob(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.n.len() + self.e.len() + 24);
        wire::put_string(&mut out, b"ssh-rsa");
        wire::put_mpint(&mut out, &self.e);
        wire::put_mpint(&mut out, &self.n);
        out
    }

    /// `SubjectPublicKeyInfo { AlgorithmIdentifier { rsaEncryption, NULL }, BIT STRING {
    /// RSAPublicKey } }`, what `openssl rsa -pubout -outform DER` prints.
    pub(crate) fn spki_der(&self) -> Vec<u8> {
        let rsa_public = der::sequence(&[&der::integer(&self.n), &der::integer(&self.e)]);
        let mut bits = Vec::with_capacity(rsa_public.len() + 1);
        bits.push(0); // no unused bits
        bits.extend_from_slice(&rsa_public);
        der::sequence(&[
            &rsa_algorithm_identifier(),
            &der::tlv(der::TAG_BIT_STRING, &bits),
        ])
    }
}

impl RsaPrivate {
    /// Parses a PKCS#1 `RSAPrivateKey` DER: version 0 and eight non-negative integers.
    /// Multi-prime keys (version 1) are refused; EC2 never makes them.
    pub(crate) fn from_pkcs1_der(bytes: &[u8]) -> Option<Self> {
        let kids = der::children(der::read_whole(bytes, der::TAG_SEQUENCE)?)?;
        if kids.len() != 9 || der::uint(&kids[0])? != Vec::<u8>::new() {
            return None;
        }
        let mut ints = kids[1..].iter().map(der::uint);
        let mut next = || ints.next().flatten();
        let key = Self {
            n: next()?,
            e: next()?,
            d: next()?,
            p: next()?,
            q: next()?,
            dp: next()?,
            dq: next()?,
            qinv: next()?,
        };
        (!key.n.is_empty() && !key.e.is_empty()).then_some(key)
    }

    /// Builds the full key from the OpenSSH/PuTTY parts, checking `n = p·q` so that garbage
    /// that happens to parse is not reported as a key.
    pub(crate) fn from_parts(parts: &RsaParts<'_>) -> Option<Self> {
        let [n, d, p, q] = [parts.n, parts.d, parts.p, parts.q].map(BigUint::from_bytes_be);
        let one = BigUint::from(1u8);
        if p <= one || q <= one || &p * &q != n {
            return None;
        }
        let dp = &d % (&p - &one);
        let dq = &d % (&q - &one);
        Some(Self {
            n: der::strip_zeros(parts.n).to_vec(),
            e: der::strip_zeros(parts.e).to_vec(),
            d: der::strip_zeros(parts.d).to_vec(),
            p: der::strip_zeros(parts.p).to_vec(),
            q: der::strip_zeros(parts.q).to_vec(),
            dp: dp.to_bytes_be(),
            dq: dq.to_bytes_be(),
            qinv: der::strip_zeros(parts.qinv).to_vec(),
        })
    }

    pub(crate) fn public(&self) -> RsaPublic {
        RsaPublic {
            n: self.n.clone(),
            e: self.e.clone(),
        }
    }

    /// `PrivateKeyInfo { 0, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING {
    /// RSAPrivateKey } }`, byte for byte what `openssl pkcs8 -topk8 -nocrypt -outform DER`
    /// writes, which is what EC2 hashes for the key pairs it creates.
    pub(crate) fn pkcs8_der(&self) -> Vec<u8> {
        let ints: Vec<Vec<u8>> = [
            &[][..],
            &self.n,
            &self.e,
            &self.d,
            &self.p,
            &self.q,
            &self.dp,
            &self.dq,
            &self.qinv,
        ]
        .iter()
        .map(|m| der::integer(m))
        .collect();
        let refs: Vec<&[u8]> = ints.iter().map(Vec::as_slice).collect();
        let pkcs1 = der::sequence(&refs);
        der::sequence(&[
            &der::integer(&[]),
            &rsa_algorithm_identifier(),
            &der::tlv(der::TAG_OCTET_STRING, &pkcs1),
        ])
    }
}

fn rsa_algorithm_identifier() -> Vec<u8> {
    der::sequence(&[
        &der::tlv(der::TAG_OID, der::OID_RSA),
        &der::tlv(der::TAG_NULL, &[]),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    // A toy key (p = 61, q = 53, n = 3233, e = 17). `d` is any value here: only the
    // arithmetic of dp/dq from it is checked (the real vectors are in `keys::tests`).
    const N: &[u8] = &[0x0C, 0xA1]; // 3233
    const E: &[u8] = &[0x11]; // 17
    const D: &[u8] = &[0x0B, 0x93]; // 2963
    const P: &[u8] = &[61];
    const Q: &[u8] = &[53];

    #[test]
    fn crt_exponents_are_d_mod_p_minus_1() {
        let parts = RsaParts {
            n: N,
            e: E,
            d: D,
            p: P,
            q: Q,
            qinv: &[38],
        };
        let key = RsaPrivate::from_parts(&parts).expect("n = p*q");
        assert_eq!(key.dp, vec![(2963u32 % 60) as u8]);
        assert_eq!(key.dq, vec![(2963u32 % 52) as u8]);
    }

    #[test]
    fn parts_that_do_not_multiply_are_refused() {
        let parts = RsaParts {
            n: &[0x0C, 0xA2],
            e: E,
            d: D,
            p: P,
            q: Q,
            qinv: &[38],
        };
        assert!(RsaPrivate::from_parts(&parts).is_none());
    }

    #[test]
    fn ssh_blob_round_trips() {
        let public = RsaPublic {
            n: vec![0x80, 0x01],
            e: vec![0x01, 0x00, 0x01],
        };
        let parsed = RsaPublic::from_ssh_blob(&public.ssh_blob()).expect("blob");
        assert_eq!((parsed.n, parsed.e), (public.n, public.e));
    }
}
