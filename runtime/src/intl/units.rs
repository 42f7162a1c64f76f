//! Localized unit patterns ("{0} hours", "{0} km") from CLDR, for `Intl.NumberFormat` with
//! `style: "unit"` and for `Intl.DurationFormat`. Covers the duration, length, mass, volume and
//! area units; the JS half keeps its own patterns for the rest.

use fixed_decimal::Decimal;
use icu_experimental::dimension::provider::units::categorized_display_names::*;
use icu_experimental::dimension::provider::units::display_names::UnitsDisplayNames;
use icu_experimental::provider::Baked;
use icu_locale::Locale;
use icu_plurals::{PluralOperands, PluralRules};
use icu_provider::marker::ErasedMarker;
use icu_provider::prelude::*;
use rquickjs::{Ctx, Exception, Result};

type Payload = DataPayload<ErasedMarker<UnitsDisplayNames<'static>>>;

/// The pattern for `number` (its digits, for the plural) of `unit` (a sanctioned simple unit
/// such as `hour`) at `width` (long, short, narrow), with `{0}` for the number (an empty
/// `number` asks for the "other" form); `undefined` for a unit without data.
pub fn pattern(
    ctx: Ctx<'_>,
    locale: String,
    unit: String,
    width: String,
    number: String,
) -> Result<Option<String>> {
    let bad = |what: &str| Exception::throw_range(&ctx, &format!("Intl.NumberFormat: {what}"));
    let locale = Locale::try_from_str(&locale).map_err(|_| bad("bad locale"))?;
    let width = match width.as_str() {
        "long" => "long",
        "narrow" => "narrow",
        _ => "short",
    };
    let attribute = format!("{width}-{unit}");
    let Ok(attributes) = DataMarkerAttributes::try_from_str(&attribute) else {
        return Ok(None);
    };
    let data_locale = (&locale).into();
    let id = DataIdentifierBorrowed::for_marker_attributes_and_locale(attributes, &data_locale);
    let Some(payload) = load(category(&unit), id).map_err(|e| bad(&e.to_string()))? else {
        return Ok(None);
    };
    let pattern = if number.is_empty() {
        // NaN and the infinities: the "other" form.
        payload.get().elements.get_default().1
    } else {
        let decimal = Decimal::try_from_str(&number).map_err(|_| bad("bad number"))?;
        let rules =
            PluralRules::try_new_cardinal((&locale).into()).map_err(|e| bad(&e.to_string()))?;
        payload
            .get()
            .elements
            .get(PluralOperands::from(&decimal), &rules)
            .1
    };
    Ok(Some(pattern.interpolate_to_string(("{0}",))))
}

/// Which CLDR category holds a unit.
fn category(unit: &str) -> &'static str {
    match unit {
        "year" | "month" | "week" | "day" | "hour" | "minute" | "second" | "millisecond"
        | "microsecond" | "nanosecond" => "duration",
        "centimeter" | "foot" | "inch" | "kilometer" | "meter" | "mile" | "mile-scandinavian"
        | "millimeter" | "yard" => "length",
        "gram" | "kilogram" | "ounce" | "pound" | "stone" => "mass",
        "fluid-ounce" | "gallon" | "liter" | "milliliter" => "volume",
        "acre" | "hectare" => "area",
        _ => "",
    }
}

/// The unit's names from the category's core, extended or outlier data: the first that has
/// them for the locale (or a parent of it short of the root), else the root's.
fn load(
    category: &str,
    id: DataIdentifierBorrowed<'_>,
) -> std::result::Result<Option<Payload>, DataError> {
    /// The payload, and whether it came from the root locale.
    type Found = Option<(Payload, bool)>;
    fn get<M>(id: DataIdentifierBorrowed<'_>) -> std::result::Result<Found, DataError>
    where
        M: DataMarker<DataStruct = UnitsDisplayNames<'static>>,
        Baked: DataProvider<M>,
    {
        let mut metadata = DataRequestMetadata::default();
        metadata.silent = true;
        let response: Option<DataResponse<M>> = Baked
            .load(DataRequest { id, metadata })
            .allow_identifier_not_found()?;
        Ok(response.map(|r| {
            let root = r.metadata.locale.is_some_and(|l| l.is_unknown());
            (r.payload.cast(), root)
        }))
    }
    fn pick(tiers: [Found; 3]) -> Option<Payload> {
        let mut root = None;
        for (payload, is_root) in tiers.into_iter().flatten() {
            if !is_root {
                return Some(payload);
            }
            root.get_or_insert(payload);
        }
        root
    }
    macro_rules! tiers {
        ($core:ty, $extended:ty, $outlier:ty) => {
            Ok(pick([
                get::<$core>(id)?,
                get::<$extended>(id)?,
                get::<$outlier>(id)?,
            ]))
        };
    }
    match category {
        "duration" => tiers!(
            UnitsNamesDurationCoreV1,
            UnitsNamesDurationExtendedV1,
            UnitsNamesDurationOutlierV1
        ),
        "length" => tiers!(
            UnitsNamesLengthCoreV1,
            UnitsNamesLengthExtendedV1,
            UnitsNamesLengthOutlierV1
        ),
        "mass" => tiers!(
            UnitsNamesMassCoreV1,
            UnitsNamesMassExtendedV1,
            UnitsNamesMassOutlierV1
        ),
        "volume" => tiers!(
            UnitsNamesVolumeCoreV1,
            UnitsNamesVolumeExtendedV1,
            UnitsNamesVolumeOutlierV1
        ),
        "area" => tiers!(
            UnitsNamesAreaCoreV1,
            UnitsNamesAreaExtendedV1,
            UnitsNamesAreaOutlierV1
        ),
        _ => Ok(None),
    }
}

/// The locale's digital duration format: its hour-minute-second separator, and whether hours
/// are always two digits there.
pub fn digital<'js>(ctx: Ctx<'js>, locale: String) -> Result<rquickjs::Object<'js>> {
    use icu_experimental::duration::provider::UnitsDurationDigitalV1;
    let bad = |what: &str| Exception::throw_range(&ctx, &format!("Intl.DurationFormat: {what}"));
    let locale = Locale::try_from_str(&locale).map_err(|_| bad("bad locale"))?;
    let data_locale = (&locale).into();
    let response: DataResponse<UnitsDurationDigitalV1> = Baked
        .load(DataRequest {
            id: DataIdentifierBorrowed::for_locale(&data_locale),
            ..Default::default()
        })
        .map_err(|e| bad(&e.to_string()))?;
    let data = response.payload.get();
    let out = rquickjs::Object::new(ctx.clone())?;
    out.set("separator", &*data.separator)?;
    out.set("twoDigitHours", data.hms_padding.h == 2)?;
    Ok(out)
}
