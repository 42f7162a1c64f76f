//! `Intl.Segmenter`: grapheme, word and sentence boundaries (UAX #29, with dictionaries and
//! LSTM models for Thai, Lao, Khmer, Burmese, Chinese and Japanese).

use icu_segmenter::options::{SentenceBreakInvariantOptions, WordBreakInvariantOptions};
use icu_segmenter::{GraphemeClusterSegmenter, SentenceSegmenter, WordSegmenter};
use rquickjs::{Ctx, Exception, Result};

/// The longest string segmented at once (its boundaries cost the host up to 6 bytes per code
/// unit, outside the isolate's heap).
const MAX_UNITS: usize = 16 << 20;

/// The boundaries of `text` as UTF-16 offsets (from 0 to its length), and for word
/// granularity whether each segment is word-like: `[breaks, wordLike]`.
pub fn segment<'js>(
    ctx: Ctx<'js>,
    granularity: String,
    text: rquickjs::String<'js>,
) -> Result<rquickjs::Array<'js>> {
    // Lone surrogates become U+FFFD, one code unit as they were: the offsets stay right.
    let units: Vec<u16> = crate::web::util::usv_string(&ctx, text)?
        .encode_utf16()
        .collect();
    if units.len() > MAX_UNITS {
        return Err(Exception::throw_range(
            &ctx,
            "Intl.Segmenter: the string is too long to segment at once",
        ));
    }
    let mut breaks = Vec::new();
    let mut word_like = Vec::new();
    match granularity.as_str() {
        "grapheme" => {
            breaks.extend(
                GraphemeClusterSegmenter::new()
                    .segment_utf16(&units)
                    .map(|i| i as u32),
            );
        }
        "word" => {
            let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
            let mut iter = segmenter.segment_utf16(&units);
            while let Some(i) = iter.next() {
                if i > 0 {
                    word_like.push(iter.is_word_like());
                }
                breaks.push(i as u32);
            }
        }
        "sentence" => {
            let segmenter = SentenceSegmenter::new(SentenceBreakInvariantOptions::default());
            breaks.extend(segmenter.segment_utf16(&units).map(|i| i as u32));
        }
        other => {
            return Err(Exception::throw_range(
                &ctx,
                &format!("Intl.Segmenter: bad granularity {other}"),
            ))
        }
    }
    let out = rquickjs::Array::new(ctx.clone())?;
    out.set(0, breaks)?;
    out.set(1, word_like)?;
    Ok(out)
}
