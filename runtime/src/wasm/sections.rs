//! What the JS API needs from a module's bytes that the engine does not keep: its custom
//! sections (`WebAssembly.Module.customSections`) and the function index of each exported
//! function (an exported function's `name`). The bytes were validated before this runs.

/// Custom sections as `(name, contents)`, and each export's kind and index by name (the index
/// in the index space of its kind: 0 function, 1 table, 2 memory, 3 global, 4 tag).
#[derive(Default)]
pub struct Sections {
    pub custom: Vec<(String, Vec<u8>)>,
    pub exports: std::collections::HashMap<String, (u8, u32)>,
}

impl Sections {
    /// The index of export `name`.
    pub fn export_index(&self, name: &str) -> Option<u32> {
        self.exports.get(name).map(|(_, i)| *i)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn leb(&mut self) -> Option<u32> {
        let mut result: u64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            result |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(result).ok();
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn name(&mut self) -> Option<String> {
        let len = self.leb()? as usize;
        Some(String::from_utf8_lossy(self.take(len)?).into_owned())
    }
}

/// Reads the sections of a (valid) module; what does not parse is left out.
pub fn read(bytes: &[u8]) -> Sections {
    let mut out = Sections::default();
    let mut r = Reader { bytes, at: 8 };
    while r.at < bytes.len() {
        let Some(id) = r.byte() else { break };
        let Some(size) = r.leb() else { break };
        let Some(body) = r.take(size as usize) else {
            break;
        };
        let mut s = Reader { bytes: body, at: 0 };
        match id {
            0 => {
                if let Some(name) = s.name() {
                    out.custom.push((name, body[s.at..].to_vec()));
                }
            }
            7 => {
                let count = s.leb().unwrap_or(0);
                for _ in 0..count {
                    let (Some(name), Some(kind), Some(index)) = (s.name(), s.byte(), s.leb())
                    else {
                        break;
                    };
                    out.exports.insert(name, (kind, index));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_custom_sections_and_function_exports() {
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        // type section: one type () -> ()
        module.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        // function section: two functions of type 0
        module.extend_from_slice(&[3, 3, 2, 0, 0]);
        // export section: "b" -> func 1
        module.extend_from_slice(&[7, 5, 1, 1, b'b', 0, 1]);
        // custom section "hi" with contents [9, 9]
        module.extend_from_slice(&[0, 5, 2, b'h', b'i', 9, 9]);
        let s = read(&module);
        assert_eq!(s.exports.get("b"), Some(&(0, 1)));
        assert_eq!(s.export_index("b"), Some(1));
        assert_eq!(s.custom, vec![("hi".to_string(), vec![9, 9])]);
    }
}
