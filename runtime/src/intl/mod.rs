//! `Intl`'s native half, on ICU4X with its compiled data (shared read-only by every isolate of
//! the process, nothing loaded per request): language tags, collation, plural rules and
//! segmentation. The JS half (`node/internal_intl.js`, loaded the first time an app touches
//! `Intl` or a locale-sensitive method) does ECMA-402's option processing and builds the objects;
//! it reaches these functions through [`natives`], made on its first use.

mod case;
mod collator;
mod datetime;
mod display_names;
mod list;
mod locale;
mod number;
mod parts;
mod plurals;
mod relative;
mod segmenter;
mod units;

use rquickjs::{Class, Ctx, Function, Object, Result};

/// The object of native functions the JS half is given.
pub fn natives<'js>(ctx: Ctx<'js>) -> Result<Object<'js>> {
    let natives = Object::new(ctx.clone())?;
    natives.set(
        "canonicalize",
        Function::new(ctx.clone(), locale::canonicalize)?,
    )?;
    natives.set("maximize", Function::new(ctx.clone(), locale::maximize)?)?;
    natives.set("minimize", Function::new(ctx.clone(), locale::minimize)?)?;
    natives.set(
        "isSupported",
        Function::new(ctx.clone(), locale::is_supported)?,
    )?;
    natives.set("pluralSelect", Function::new(ctx.clone(), plurals::select)?)?;
    natives.set(
        "pluralCategories",
        Function::new(ctx.clone(), plurals::categories)?,
    )?;
    natives.set("segment", Function::new(ctx.clone(), segmenter::segment)?)?;
    natives.set("formatList", Function::new(ctx.clone(), list::format)?)?;
    natives.set("unitPattern", Function::new(ctx.clone(), units::pattern)?)?;
    natives.set("digitalFormat", Function::new(ctx.clone(), units::digital)?)?;
    natives.set(
        "relativeNames",
        Function::new(ctx.clone(), relative::names)?,
    )?;
    natives.set(
        "relativePattern",
        Function::new(ctx.clone(), relative::pattern)?,
    )?;
    natives.set(
        "displayName",
        Function::new(ctx.clone(), display_names::name)?,
    )?;
    natives.set("defaultLocale", locale::default_locale())?;
    natives.set("defaultTimeZone", datetime::default_time_zone())?;
    natives.set("changeCase", Function::new(ctx.clone(), case::change_case)?)?;
    natives.set(
        "isRightToLeft",
        Function::new(ctx.clone(), case::is_right_to_left)?,
    )?;
    natives.set(
        "canonicalZone",
        Function::new(ctx.clone(), datetime::canonical_zone)?,
    )?;
    natives.set(
        "zoneOffset",
        Function::new(ctx.clone(), datetime::zone_offset)?,
    )?;
    natives.set(
        "zoneNames",
        Function::new(ctx.clone(), datetime::zone_names)?,
    )?;
    Class::<collator::Collation>::define(&natives)?;
    Class::<datetime::DateTimePattern>::define(&natives)?;
    Class::<number::NumberPattern>::define(&natives)?;
    Ok(natives)
}
