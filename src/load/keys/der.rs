//! Minimal DER: read the few key structures we meet, write canonical ones.
//!
//! Only what key files need: single-byte tags, definite lengths up to 4 length bytes. EC2's
//! fingerprints hash DER encodings, so the writer must be canonical (shortest lengths, minimal
//! INTEGERs) or the hash would differ from OpenSSL's.

pub(crate) const TAG_INTEGER: u8 = 0x02;
pub(crate) const TAG_BIT_STRING: u8 = 0x03;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_NULL: u8 = 0x05;
pub(crate) const TAG_OID: u8 = 0x06;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
/// `[1] IMPLICIT BIT STRING`: the optional public key of PKCS#8 v2 (RFC 5958).
pub(crate) const TAG_CONTEXT_1_PRIMITIVE: u8 = 0x81;

/// OID 1.2.840.113549.1.1.1 (rsaEncryption), content bytes only.
pub(crate) const OID_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
/// OID 1.3.101.112 (id-Ed25519).
pub(crate) const OID_ED25519: &[u8] = &[0x2B, 0x65, 0x70];
/// OID 1.2.840.10045.2.1 (id-ecPublicKey).
pub(crate) const OID_EC: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
/// OID 1.2.840.10040.4.1 (id-dsa).
pub(crate) const OID_DSA: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01];

/// One tag-length-value element borrowed from the input.
#[derive(Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
}

/// Reads one element; returns it and the rest of the input. `None` on anything malformed.
pub(crate) fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        // 0x80 is the BER indefinite form, never valid DER; more than 4 length bytes is
        // absurd for a key file.
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let (len_bytes, rest) = rest.split_at(n);
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, rest)
    };
    if rest.len() < len {
        return None;
    }
    let (value, rest) = rest.split_at(len);
    Some((Tlv { tag, value }, rest))
}

/// Reads exactly one element of the given tag filling the whole input (trailing bytes are
/// tolerated only when they are zero padding, which some tools leave after the key).
pub(crate) fn read_whole(input: &[u8], tag: u8) -> Option<&[u8]> {
    let (tlv, rest) = read_tlv(input)?;
    (tlv.tag == tag && rest.iter().all(|&b| b == 0)).then_some(tlv.value)
}

/// Splits the content of a constructed element into its children.
pub(crate) fn children(mut value: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !value.is_empty() {
        let (tlv, rest) = read_tlv(value)?;
        out.push(tlv);
        value = rest;
    }
    Some(out)
}

/// The magnitude of a non-negative INTEGER, leading zero bytes removed. `None` if the element
/// is not an INTEGER or is negative.
pub(crate) fn uint(tlv: &Tlv<'_>) -> Option<Vec<u8>> {
    if tlv.tag != TAG_INTEGER || tlv.value.is_empty() || tlv.value[0] & 0x80 != 0 {
        return None;
    }
    Some(strip_zeros(tlv.value).to_vec())
}

/// Removes leading zero bytes (an empty slice stands for zero).
pub(crate) fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Encodes a tag, a shortest-form length and the content.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        // Fits in the short form; the cast cannot truncate.
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// Encodes an unsigned big-endian magnitude as a minimal DER INTEGER.
pub(crate) fn integer(magnitude: &[u8]) -> Vec<u8> {
    let m = strip_zeros(magnitude);
    let mut content = Vec::with_capacity(m.len() + 1);
    // A set high bit would read as negative: DER then needs one leading zero, and zero itself
    // is the single byte 00.
    if m.first().map_or(true, |&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(m);
    tlv(TAG_INTEGER, &content)
}

/// Concatenates already-encoded elements into a SEQUENCE.
pub(crate) fn sequence(parts: &[&[u8]]) -> Vec<u8> {
    tlv(TAG_SEQUENCE, &parts.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_minimal() {
        assert_eq!(integer(&[]), vec![0x02, 0x01, 0x00]);
        assert_eq!(integer(&[0, 0, 0x7F]), vec![0x02, 0x01, 0x7F]);
        assert_eq!(integer(&[0x80]), vec![0x02, 0x02, 0x00, 0x80]);
    }

    #[test]
    fn lengths_are_shortest() {
        assert_eq!(tlv(0x04, &[0; 0x7F])[..2], [0x04, 0x7F]);
        assert_eq!(tlv(0x04, &[0; 0x80])[..3], [0x04, 0x81, 0x80]);
        assert_eq!(tlv(0x04, &[0; 0x100])[..4], [0x04, 0x82, 0x01, 0x00]);
    }

    #[test]
    fn reader_rejects_truncation_and_indefinite_length() {
        assert!(read_tlv(&[0x30, 0x05, 0x00]).is_none());
        assert!(read_tlv(&[0x30, 0x80, 0x00, 0x00]).is_none());
        let enc = sequence(&[&integer(&[1]), &integer(&[0xFF])]);
        let body = read_whole(&enc, TAG_SEQUENCE).expect("sequence");
        let kids = children(body).expect("children");
        assert_eq!(uint(&kids[1]), Some(vec![0xFF]));
    }
}
