//! `URLPattern`: a native class over the `urlpattern` crate, which parses patterns and matches
//! URLs (with the Rust regex engine for regexp groups).

use rquickjs::atom::PredefinedAtom;
use rquickjs::class::Trace;
use rquickjs::function::Opt;
use rquickjs::prelude::Coerced;
use rquickjs::{Array, Class, Ctx, Exception, JsLifetime, Object, Result, Value};

use super::urlpattern_parts as parts;
use super::util::UsvString;
use urlpattern::quirks::{self, StringOrInit, UrlPatternInit};
use urlpattern::{UrlPattern, UrlPatternMatchInput, UrlPatternOptions};

const PARTS: [&str; 8] = [
    "protocol", "username", "password", "hostname", "port", "pathname", "search", "hash",
];

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "URLPattern")]
pub struct UrlPatternClass {
    #[qjs(skip_trace)]
    pattern: UrlPattern,
}

/// Reads a `URLPatternInit` dictionary (every member a USVString).
fn read_init(ctx: &Ctx<'_>, obj: &Object<'_>) -> Result<UrlPatternInit> {
    let get = |name: &str| -> Result<Option<String>> {
        let v: Value = obj.get(name)?;
        if v.is_undefined() {
            Ok(None)
        } else {
            Ok(Some(v.get::<UsvString>()?.0))
        }
    };
    let _ = ctx;
    Ok(UrlPatternInit {
        protocol: get("protocol")?,
        username: get("username")?,
        password: get("password")?,
        hostname: get("hostname")?,
        port: get("port")?,
        pathname: get("pathname")?,
        search: get("search")?,
        hash: get("hash")?,
        base_url: get("baseURL")?,
    })
}

/// A `URLPatternInput`: a string or an init dictionary (undefined meaning `{}`).
fn read_input<'a>(ctx: &Ctx<'_>, value: Option<&Value<'_>>) -> Result<StringOrInit<'a>> {
    match value {
        None => Ok(StringOrInit::Init(UrlPatternInit::default())),
        Some(v) if v.is_undefined() => Ok(StringOrInit::Init(UrlPatternInit::default())),
        Some(v) => match v.as_object() {
            Some(obj) => Ok(StringOrInit::Init(read_init(ctx, obj)?)),
            None if v.is_null() => Err(Exception::throw_type(
                ctx,
                "URLPattern: input must be a string or an object",
            )),
            None => Ok(StringOrInit::String(v.get::<UsvString>()?.0.into())),
        },
    }
}

fn ignore_case(options: Option<&Value<'_>>) -> Result<bool> {
    match options.and_then(|o| o.as_object()) {
        Some(o) => Ok(o.get::<_, Option<bool>>("ignoreCase")?.unwrap_or(false)),
        None => Ok(false),
    }
}

fn type_error(ctx: &Ctx<'_>, e: impl std::fmt::Display) -> rquickjs::Error {
    Exception::throw_type(ctx, &format!("URLPattern: {e}"))
}

/// One of the eight component names, or a TypeError.
fn component_name(ctx: &Ctx<'_>, name: &str) -> Result<&'static str> {
    PARTS
        .iter()
        .find(|p| **p == name)
        .copied()
        .ok_or_else(|| type_error(ctx, format!("\"{name}\" is not a URL component")))
}

impl UrlPatternClass {
    /// A component's pattern string, by name.
    fn component(&self, name: &str) -> &str {
        match name {
            "protocol" => self.pattern.protocol(),
            "username" => self.pattern.username(),
            "password" => self.pattern.password(),
            "hostname" => self.pattern.hostname(),
            "port" => self.pattern.port(),
            "pathname" => self.pattern.pathname(),
            "search" => self.pattern.search(),
            _ => self.pattern.hash(),
        }
    }

    /// The match input for `test`/`exec`, or `None` when the URL does not parse.
    fn match_input<'js>(
        ctx: &Ctx<'js>,
        input: Option<&Value<'js>>,
        base: Option<&Value<'js>>,
    ) -> Result<Option<(UrlPatternMatchInput, Vec<Value<'js>>)>> {
        let parsed = read_input(ctx, input)?;
        let base = match base.filter(|b| !b.is_undefined()) {
            Some(b) => Some(b.get::<UsvString>()?.0),
            None => None,
        };
        let mut echoed = vec![input.cloned().unwrap_or_else(|| {
            Object::new(ctx.clone())
                .map(|o| o.into_value())
                .unwrap_or(Value::new_undefined(ctx.clone()))
        })];
        if let Some(b) = &base {
            echoed.push(rquickjs::String::from_str(ctx.clone(), b)?.into_value());
        }
        match quirks::process_match_input(parsed, base.as_deref()) {
            Ok(Some((input, _))) => Ok(Some((input, echoed))),
            Ok(None) => Ok(None),
            Err(e) => Err(type_error(ctx, e)),
        }
    }
}

#[rquickjs::methods]
impl UrlPatternClass {
    #[qjs(constructor)]
    pub fn new<'js>(
        ctx: Ctx<'js>,
        this: rquickjs::function::This<Value<'js>>,
        input: Opt<Value<'js>>,
        base_or_options: Opt<Value<'js>>,
        options: Opt<Value<'js>>,
    ) -> Result<Self> {
        super::util::require_new(&ctx, &this.0, "URLPattern")?;
        let parsed = read_input(&ctx, input.0.as_ref())?;
        let (base, options) = match base_or_options.0 {
            Some(v) if v.is_string() => (Some(v.get::<UsvString>()?.0), options.0),
            Some(v) if v.is_object() => (None, Some(v)),
            Some(v) if !v.is_undefined() => (Some(v.get::<UsvString>()?.0), options.0),
            _ => (None, options.0),
        };
        if base.is_some() && matches!(parsed, StringOrInit::Init(_)) {
            return Err(type_error(
                &ctx,
                "a base URL goes with a string pattern only",
            ));
        }
        let init = quirks::process_construct_pattern_input(parsed, base.as_deref())
            .map_err(|e| type_error(&ctx, e))?;
        let pattern = UrlPattern::parse(
            init,
            UrlPatternOptions {
                ignore_case: ignore_case(options.as_ref())?,
                ..UrlPatternOptions::default()
            },
        )
        .map_err(|e| type_error(&ctx, e))?;
        Ok(UrlPatternClass { pattern })
    }

    #[qjs(get, enumerable, configurable)]
    pub fn protocol(&self) -> String {
        self.pattern.protocol().to_owned()
    }
    #[qjs(get, enumerable, configurable)]
    pub fn username(&self) -> String {
        self.pattern.username().to_owned()
    }
    #[qjs(get, enumerable, configurable)]
    pub fn password(&self) -> String {
        self.pattern.password().to_owned()
    }
    #[qjs(get, enumerable, configurable)]
    pub fn hostname(&self) -> String {
        self.pattern.hostname().to_owned()
    }
    #[qjs(get, enumerable, configurable)]
    pub fn port(&self) -> String {
        self.pattern.port().to_owned()
    }
    #[qjs(get, enumerable, configurable)]
    pub fn pathname(&self) -> String {
        self.pattern.pathname().to_owned()
    }
    #[qjs(get, enumerable, configurable)]
    pub fn search(&self) -> String {
        self.pattern.search().to_owned()
    }
    #[qjs(get, enumerable, configurable)]
    pub fn hash(&self) -> String {
        self.pattern.hash().to_owned()
    }

    #[qjs(get, rename = "hasRegExpGroups", enumerable, configurable)]
    pub fn has_regexp_groups(&self) -> bool {
        self.pattern.has_regexp_groups()
    }

    pub fn test<'js>(
        &self,
        ctx: Ctx<'js>,
        input: Opt<Value<'js>>,
        base: Opt<Value<'js>>,
    ) -> Result<bool> {
        let Some((input, _)) = Self::match_input(&ctx, input.0.as_ref(), base.0.as_ref())? else {
            return Ok(false);
        };
        self.pattern.test(input).map_err(|e| type_error(&ctx, e))
    }

    pub fn exec<'js>(
        &self,
        ctx: Ctx<'js>,
        input: Opt<Value<'js>>,
        base: Opt<Value<'js>>,
    ) -> Result<Value<'js>> {
        let Some((input, echoed)) = Self::match_input(&ctx, input.0.as_ref(), base.0.as_ref())?
        else {
            return Ok(Value::new_null(ctx));
        };
        let Some(result) = self.pattern.exec(input).map_err(|e| type_error(&ctx, e))? else {
            return Ok(Value::new_null(ctx));
        };
        let out = Object::new(ctx.clone())?;
        let inputs = Array::new(ctx.clone())?;
        for (i, v) in echoed.into_iter().enumerate() {
            inputs.set(i, v)?;
        }
        out.set("inputs", inputs)?;
        let components = [
            (&result.protocol, &self.pattern.protocol.group_name_list),
            (&result.username, &self.pattern.username.group_name_list),
            (&result.password, &self.pattern.password.group_name_list),
            (&result.hostname, &self.pattern.hostname.group_name_list),
            (&result.port, &self.pattern.port.group_name_list),
            (&result.pathname, &self.pattern.pathname.group_name_list),
            (&result.search, &self.pattern.search.group_name_list),
            (&result.hash, &self.pattern.hash.group_name_list),
        ];
        for (name, (component, names)) in PARTS.iter().zip(components) {
            let obj = Object::new(ctx.clone())?;
            obj.set("input", component.input.as_str())?;
            let groups = Object::new(ctx.clone())?;
            for group in names {
                match component.groups.get(group).cloned().flatten() {
                    Some(v) => groups.set(group.as_str(), v)?,
                    None => groups.set(group.as_str(), Value::new_undefined(ctx.clone()))?,
                }
            }
            obj.set("groups", groups)?;
            out.set(*name, obj)?;
        }
        Ok(out.into_value())
    }

    /// Orders two patterns by how specific one of their components is (-1, 0 or 1).
    #[qjs(static, rename = "compareComponent")]
    pub fn compare_component<'js>(
        ctx: Ctx<'js>,
        component: Coerced<String>,
        left: Class<'js, UrlPatternClass>,
        right: Class<'js, UrlPatternClass>,
    ) -> Result<i32> {
        let component = component_name(&ctx, &component.0)?;
        let left = parts::parse(component, left.borrow().component(component));
        let right = parts::parse(component, right.borrow().component(component));
        Ok(parts::compare(&left, &right) as i32)
    }

    /// Builds one URL component from this pattern and values for its named groups.
    pub fn generate<'js>(
        &self,
        ctx: Ctx<'js>,
        component: Coerced<String>,
        groups: Opt<Value<'js>>,
    ) -> Result<String> {
        let component = component_name(&ctx, &component.0)?;
        let groups = match groups.0.as_ref().and_then(|g| g.as_object()) {
            Some(obj) => obj.clone(),
            None => Object::new(ctx.clone())?,
        };
        let mut values = Vec::new();
        for key in groups.keys::<String>() {
            let key = key?;
            let value: UsvString = groups.get(key.as_str())?;
            values.push((key, value.0));
        }
        let special = ["ftp", "file", "http", "https", "ws", "wss"]
            .iter()
            .any(|scheme| self.pattern.protocol.matcher.matches(scheme).is_some());
        let list = parts::parse(component, self.component(component));
        let lookup = |name: &str| {
            values
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        parts::generate(&list, component, lookup, special).map_err(|e| type_error(&ctx, e))
    }

    #[qjs(get, rename = PredefinedAtom::SymbolToStringTag)]
    pub fn to_string_tag(&self) -> &'static str {
        "URLPattern"
    }
}
