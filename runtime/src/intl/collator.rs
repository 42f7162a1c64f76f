//! `Intl.Collator`'s comparison: an ICU4X collator for a resolved locale and options.

use icu_collator::options::{AlternateHandling, CaseLevel, CollatorOptions, Strength};
use icu_collator::preferences::{CollationCaseFirst, CollationNumericOrdering, CollationType};
use icu_collator::{CollatorBorrowed, CollatorPreferences};
use rquickjs::class::Trace;
use rquickjs::{Ctx, Exception, JsLifetime, Result};

/// A collator made once per `Intl.Collator` (compiled data: nothing is copied).
#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "Collation")]
pub struct Collation {
    #[qjs(skip_trace)]
    inner: CollatorBorrowed<'static>,
}

#[rquickjs::methods]
impl Collation {
    /// `(locale, usage, sensitivity, ignorePunctuation, numeric, caseFirst)`, all resolved.
    #[qjs(constructor)]
    pub fn new(
        ctx: Ctx<'_>,
        locale: String,
        usage: String,
        sensitivity: String,
        ignore_punctuation: bool,
        numeric: bool,
        case_first: String,
    ) -> Result<Self> {
        let parsed = super::locale::parse(&ctx, &locale)?;
        let mut prefs = CollatorPreferences::from(&parsed);
        prefs.numeric_ordering = Some(if numeric {
            CollationNumericOrdering::True
        } else {
            CollationNumericOrdering::False
        });
        prefs.case_first = match case_first.as_str() {
            "upper" => Some(CollationCaseFirst::Upper),
            "lower" => Some(CollationCaseFirst::Lower),
            "false" => Some(CollationCaseFirst::False),
            _ => None,
        };
        if usage == "search" {
            prefs.collation_type = Some(CollationType::Search);
        }
        let mut options = CollatorOptions::default();
        let (strength, case_level) = match sensitivity.as_str() {
            "base" => (Strength::Primary, CaseLevel::Off),
            "accent" => (Strength::Secondary, CaseLevel::Off),
            "case" => (Strength::Primary, CaseLevel::On),
            _ => (Strength::Tertiary, CaseLevel::Off),
        };
        options.strength = Some(strength);
        options.case_level = Some(case_level);
        if ignore_punctuation {
            options.alternate_handling = Some(AlternateHandling::Shifted);
        }
        let inner = CollatorBorrowed::try_new(prefs, options)
            .or_else(|_| {
                // A collation type the locale has no data for: the locale's default.
                prefs.collation_type = None;
                CollatorBorrowed::try_new(prefs, options)
            })
            .map_err(|e| Exception::throw_range(&ctx, &format!("Intl.Collator: {e}")))?;
        Ok(Collation { inner })
    }

    /// -1, 0 or 1, as `compare` answers.
    pub fn compare<'js>(
        &self,
        ctx: rquickjs::Ctx<'js>,
        a: rquickjs::String<'js>,
        b: rquickjs::String<'js>,
    ) -> Result<i32> {
        // UTF-16 as JS holds it: lone surrogates become U+FFFD (a Rust string refuses them).
        let a: Vec<u16> = crate::web::util::usv_string(&ctx, a)?
            .encode_utf16()
            .collect();
        let b: Vec<u16> = crate::web::util::usv_string(&ctx, b)?
            .encode_utf16()
            .collect();
        Ok(match self.inner.compare_utf16(&a, &b) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        })
    }

    /// Whether the collation ignores punctuation by default in this locale (Thai does).
    #[qjs(rename = "ignoresPunctuation")]
    pub fn ignores_punctuation(&self) -> bool {
        self.inner.resolved_options().alternate_handling == AlternateHandling::Shifted
    }
}
