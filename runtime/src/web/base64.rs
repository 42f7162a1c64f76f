//! `atob` and `btoa` with the HTML standard's forgiving-base64 rules.

use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use rquickjs::prelude::Coerced;
use rquickjs::{Ctx, Result};

use super::util::throw_dom;

const FORGIVING: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

pub fn atob(ctx: Ctx<'_>, data: Coerced<String>) -> Result<String> {
    let cleaned: String = data
        .0
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r'))
        .collect();
    let invalid = || {
        throw_dom(
            &ctx,
            "InvalidCharacterError",
            "atob: the string is not valid base64",
        )
    };
    let mut input = cleaned.as_str();
    if input.len().is_multiple_of(4) {
        input = input
            .strip_suffix("==")
            .or_else(|| input.strip_suffix('='))
            .unwrap_or(input);
    }
    if input.len() % 4 == 1 || input.contains('=') {
        return Err(invalid());
    }
    let bytes = FORGIVING.decode(input).map_err(|_| invalid())?;
    Ok(bytes.into_iter().map(char::from).collect())
}

pub fn btoa(ctx: Ctx<'_>, data: Coerced<String>) -> Result<String> {
    let mut bytes = Vec::with_capacity(data.0.len());
    for c in data.0.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => bytes.push(b),
            Err(_) => {
                return Err(throw_dom(
                    &ctx,
                    "InvalidCharacterError",
                    "btoa: the string contains characters outside of the Latin1 range",
                ))
            }
        }
    }
    Ok(STANDARD.encode(bytes))
}
