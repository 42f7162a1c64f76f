//! A `writeable` sink that keeps which part (integer, group, month, hour...) each piece of the
//! output belongs to, for the `formatToParts` methods.

use std::fmt;

use rquickjs::{Array, Ctx, Result};
use writeable::{Part, PartsWrite};

/// Collects what a formatter writes, with the innermost part each byte belongs to.
#[derive(Default)]
pub struct PartsSink {
    text: String,
    /// (start, end, part), innermost first.
    spans: Vec<(usize, usize, Part)>,
}

impl fmt::Write for PartsSink {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

impl PartsWrite for PartsSink {
    type SubPartsWrite = Self;

    fn with_part(
        &mut self,
        part: Part,
        mut f: impl FnMut(&mut Self::SubPartsWrite) -> fmt::Result,
    ) -> fmt::Result {
        let start = self.text.len();
        f(self)?;
        self.spans.push((start, self.text.len(), part));
        Ok(())
    }
}

impl PartsSink {
    /// `[type, text]` pairs in order; text outside every part is a "literal". The innermost
    /// part names a piece, except that a date field (a month, an hour) is not split into the
    /// number parts its digits were written with.
    pub fn into_parts(self) -> Vec<(&'static str, String)> {
        // One byte per output byte: the index of the span that names it (u8::MAX for none).
        const NONE: u8 = u8::MAX;
        let mut label = vec![NONE; self.text.len()];
        for (index, (start, end, part)) in self.spans.iter().enumerate().take(NONE as usize) {
            for slot in &mut label[*start..*end] {
                let replace = match *slot {
                    NONE => true,
                    inner => {
                        self.spans[inner as usize].2.category == "decimal"
                            && part.category == "datetime"
                    }
                };
                if replace {
                    *slot = index as u8;
                }
            }
        }
        let mut out: Vec<(&'static str, String)> = Vec::new();
        let mut last_label = NONE;
        for (i, c) in self.text.char_indices() {
            let name = match label[i] {
                NONE => "literal",
                index => self.spans[index as usize].2.value,
            };
            // Each grouping separator and each list element is a part of its own, even where
            // two touch (Chinese lists have no separators): those merge only within one span.
            let separate = name == "group" || name == "element";
            match out.last_mut() {
                Some((last, text)) if *last == name && (!separate || label[i] == last_label) => {
                    text.push(c)
                }
                _ => out.push((name, c.to_string())),
            }
            last_label = label[i];
        }
        out
    }

    /// The parts as a JS array of `[type, text]` pairs.
    pub fn into_array<'js>(self, ctx: &Ctx<'js>) -> Result<Array<'js>> {
        let out = Array::new(ctx.clone())?;
        for (i, (name, text)) in self.into_parts().into_iter().enumerate() {
            let pair = Array::new(ctx.clone())?;
            pair.set(0, name)?;
            pair.set(1, text)?;
            out.set(i, pair)?;
        }
        Ok(out)
    }
}
