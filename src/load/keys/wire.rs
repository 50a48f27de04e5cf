//! The SSH wire encoding (RFC 4251 §5): `uint32`, `string` and `mpint`, as used by
//! `openssh-key-v1` files and PuTTY key blobs.

/// A cursor over SSH-encoded bytes; every read fails softly with `None` on short input.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Self { buf }
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.buf.len() < n {
            return None;
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Some(head)
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        let b = self.bytes(4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn string(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u32()?).ok()?;
        self.bytes(len)
    }

    /// An `mpint` as an unsigned magnitude without leading zeros; negative values (never
    /// valid in a key) are refused.
    pub(crate) fn mpint(&mut self) -> Option<Vec<u8>> {
        let raw = self.string()?;
        if raw.first().is_some_and(|&b| b & 0x80 != 0) {
            return None;
        }
        Some(super::der::strip_zeros(raw).to_vec())
    }
}

/// Appends an SSH `string`.
pub(crate) fn put_string(out: &mut Vec<u8>, s: &[u8]) {
    // Key parts are far below 4 GiB; saturate rather than wrap if that ever fails.
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(s);
}

/// Appends an SSH `mpint` for a non-negative magnitude (zero is the empty string).
pub(crate) fn put_mpint(out: &mut Vec<u8>, magnitude: &[u8]) {
    let m = super::der::strip_zeros(magnitude);
    if m.first().is_some_and(|&b| b & 0x80 != 0) {
        let mut padded = Vec::with_capacity(m.len() + 1);
        padded.push(0);
        padded.extend_from_slice(m);
        put_string(out, &padded);
    } else {
        put_string(out, m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpint_round_trip_pads_high_bit() {
        let mut out = Vec::new();
        put_mpint(&mut out, &[0x00, 0x80, 0x01]);
        assert_eq!(out, [0, 0, 0, 3, 0x00, 0x80, 0x01]);
        let mut r = Reader::new(&out);
        assert_eq!(r.mpint(), Some(vec![0x80, 0x01]));
        assert!(r.is_empty());
    }

    #[test]
    fn short_input_is_none() {
        assert!(Reader::new(&[0, 0, 0, 9, 1]).string().is_none());
    }
}
