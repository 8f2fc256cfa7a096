//! Java's "modified UTF-8" (`DataOutput.writeUTF`): UTF-16 code units, NUL as
//! two bytes, surrogates encoded one by one (CESU-8), behind a u16 length.

pub(crate) fn encode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for unit in s.encode_utf16() {
        match unit {
            0x0001..=0x007f => out.push(unit as u8),
            0x0000 | 0x0080..=0x07ff => {
                out.push(0xc0 | (unit >> 6) as u8);
                out.push(0x80 | (unit & 0x3f) as u8);
            }
            _ => {
                out.push(0xe0 | (unit >> 12) as u8);
                out.push(0x80 | ((unit >> 6) & 0x3f) as u8);
                out.push(0x80 | (unit & 0x3f) as u8);
            }
        }
    }
    out
}

pub(crate) fn decode(bytes: &[u8]) -> Option<String> {
    let mut units = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let cont = |k: usize| bytes.get(i + k).copied().filter(|c| c & 0xc0 == 0x80);
        if b & 0x80 == 0 {
            units.push(u16::from(b));
            i += 1;
        } else if b & 0xe0 == 0xc0 {
            let c1 = cont(1)?;
            units.push((u16::from(b & 0x1f) << 6) | u16::from(c1 & 0x3f));
            i += 2;
        } else if b & 0xf0 == 0xe0 {
            let (c1, c2) = (cont(1)?, cont(2)?);
            units.push(
                (u16::from(b & 0x0f) << 12) | (u16::from(c1 & 0x3f) << 6) | u16::from(c2 & 0x3f),
            );
            i += 3;
        } else {
            return None;
        }
    }
    String::from_utf16(&units).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_java_for_nul_bmp_and_supplementary() {
        assert_eq!(encode("wso2carbon"), b"wso2carbon");
        assert_eq!(encode("\0"), [0xc0, 0x80]);
        assert_eq!(encode("é"), [0xc3, 0xa9]);
        assert_eq!(encode("€"), [0xe2, 0x82, 0xac]);
        // U+1F511 as a surrogate pair, each half three bytes.
        assert_eq!(encode("🔑"), [0xed, 0xa0, 0xbd, 0xed, 0xb4, 0x91]);
        for s in ["", "a\0b", "Zürich€🔑", "wso2carbonssl"] {
            assert_eq!(decode(&encode(s)).as_deref(), Some(s));
        }
        assert_eq!(decode(&[0xed, 0xa0, 0xbd]), None, "lone surrogate");
        assert_eq!(decode(&[0xc3]), None, "truncated");
    }
}
