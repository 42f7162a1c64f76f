//! `Headers`: a native class over `http::HeaderMap`, so that a request's headers reach the app
//! and a response's headers reach the socket without being copied into JS objects.

use http::header::{HeaderMap, HeaderName, HeaderValue};
use rquickjs::atom::PredefinedAtom;
use rquickjs::class::Trace;
use rquickjs::function::{Opt, This};
use rquickjs::prelude::Coerced;
use rquickjs::{Array, Class, Ctx, Exception, Function, JsLifetime, Object, Result, Value};

use super::util::array_iterator;

/// Which changes a `Headers` object accepts (the Fetch standard's "guard").
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Guard {
    #[default]
    None,
    Immutable,
}

#[derive(Trace, JsLifetime, Default, Clone)]
#[rquickjs::class]
pub struct Headers {
    #[qjs(skip_trace)]
    pub map: HeaderMap,
    #[qjs(skip_trace)]
    pub guard: Guard,
}

/// Strips leading and trailing HTTP whitespace, as the Fetch standard normalizes values.
fn normalize(value: &str) -> &str {
    value.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

fn header_name(ctx: &Ctx<'_>, name: &str) -> Result<HeaderName> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Exception::throw_type(ctx, &format!("Invalid header name: \"{name}\"")))
}

/// Converts a JS string to a header value: a ByteString with no NUL, CR or LF.
pub fn header_value(ctx: &Ctx<'_>, value: &str) -> Result<HeaderValue> {
    let value = normalize(value);
    let invalid = || Exception::throw_type(ctx, &format!("Invalid header value: \"{value}\""));
    let bytes: Vec<u8> = if value.is_ascii() {
        value.as_bytes().to_vec()
    } else {
        value
            .chars()
            .map(|c| u8::try_from(u32::from(c)).map_err(|_| invalid()))
            .collect::<Result<_>>()?
    };
    if bytes.iter().any(|&b| b == 0 || b == b'\r' || b == b'\n') {
        return Err(invalid());
    }
    HeaderValue::from_bytes(&bytes).map_err(|_| invalid())
}

/// A header value as a JS string (bytes read as Latin-1).
pub fn value_string(value: &HeaderValue) -> String {
    match value.to_str() {
        Ok(s) => s.to_owned(),
        Err(_) => value.as_bytes().iter().map(|&b| b as char).collect(),
    }
}

impl Headers {
    pub fn from_map(map: HeaderMap, guard: Guard) -> Self {
        Headers { map, guard }
    }

    fn check_mutable(&self, ctx: &Ctx<'_>) -> Result<()> {
        if self.guard == Guard::Immutable {
            return Err(Exception::throw_type(ctx, "Headers are immutable"));
        }
        Ok(())
    }

    /// The sorted, combined list the iterators walk, as the Fetch standard defines it.
    pub fn sorted_pairs(&self) -> Vec<(String, String)> {
        let mut names: Vec<&HeaderName> = self.map.keys().collect();
        names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            if name == http::header::SET_COOKIE {
                for v in self.map.get_all(name) {
                    out.push((name.as_str().to_owned(), value_string(v)));
                }
            } else {
                out.push((name.as_str().to_owned(), self.combined(name)));
            }
        }
        out
    }

    fn combined(&self, name: &HeaderName) -> String {
        let mut values = self.map.get_all(name).iter();
        let mut out = values.next().map(value_string).unwrap_or_default();
        for v in values {
            out.push_str(", ");
            out.push_str(&value_string(v));
        }
        out
    }

    /// Fills a header map from any `HeadersInit`: a `Headers`, a sequence of pairs or a record.
    pub fn fill<'js>(ctx: &Ctx<'js>, map: &mut HeaderMap, init: Value<'js>) -> Result<()> {
        if init.is_undefined() || init.is_null() {
            return Ok(());
        }
        if let Ok(other) = Class::<Headers>::from_value(&init) {
            let other = other.borrow();
            for (k, v) in other.map.iter() {
                map.append(k.clone(), v.clone());
            }
            return Ok(());
        }
        let Some(obj) = init.as_object() else {
            return Err(Exception::throw_type(
                ctx,
                "Headers init must be an object, an array of pairs or a Headers",
            ));
        };
        let iterator: Value = obj.get(PredefinedAtom::SymbolIterator)?;
        if iterator.is_function() {
            let pairs: Array = ctx
                .globals()
                .get::<_, Object>("Array")?
                .get::<_, Function>("from")?
                .call((init.clone(),))?;
            for pair in pairs.iter::<Value>() {
                let pair = pair?;
                let items: Array = ctx
                    .globals()
                    .get::<_, Object>("Array")?
                    .get::<_, Function>("from")?
                    .call((pair,))?;
                if items.len() != 2 {
                    return Err(Exception::throw_type(
                        ctx,
                        "Each header pair must be an array of [name, value]",
                    ));
                }
                let name: Coerced<String> = items.get(0)?;
                let value: Coerced<String> = items.get(1)?;
                map.append(header_name(ctx, &name.0)?, header_value(ctx, &value.0)?);
            }
        } else {
            for key in obj.keys::<String>() {
                let key = key?;
                let value: Coerced<String> = obj.get(key.as_str())?;
                map.append(header_name(ctx, &key)?, header_value(ctx, &value.0)?);
            }
        }
        Ok(())
    }
}

#[rquickjs::methods]
impl Headers {
    #[qjs(constructor)]
    pub fn new<'js>(
        ctx: Ctx<'js>,
        this: rquickjs::function::This<Value<'js>>,
        init: Opt<Value<'js>>,
    ) -> Result<Self> {
        super::util::require_new(&ctx, &this.0, "Headers")?;
        let mut map = HeaderMap::new();
        if let Some(init) = init.0 {
            Headers::fill(&ctx, &mut map, init)?;
        }
        Ok(Headers {
            map,
            guard: Guard::None,
        })
    }

    pub fn append(
        &mut self,
        ctx: Ctx<'_>,
        name: Coerced<String>,
        value: Coerced<String>,
    ) -> Result<()> {
        self.check_mutable(&ctx)?;
        let name = header_name(&ctx, &name.0)?;
        let value = header_value(&ctx, &value.0)?;
        self.map.append(name, value);
        Ok(())
    }

    pub fn set(
        &mut self,
        ctx: Ctx<'_>,
        name: Coerced<String>,
        value: Coerced<String>,
    ) -> Result<()> {
        self.check_mutable(&ctx)?;
        let name = header_name(&ctx, &name.0)?;
        let value = header_value(&ctx, &value.0)?;
        self.map.insert(name, value);
        Ok(())
    }

    pub fn delete(&mut self, ctx: Ctx<'_>, name: Coerced<String>) -> Result<()> {
        self.check_mutable(&ctx)?;
        let name = header_name(&ctx, &name.0)?;
        self.map.remove(name);
        Ok(())
    }

    pub fn get<'js>(&self, ctx: Ctx<'js>, name: Coerced<String>) -> Result<Value<'js>> {
        let name = header_name(&ctx, &name.0)?;
        if !self.map.contains_key(&name) {
            return Ok(Value::new_null(ctx));
        }
        rquickjs::String::from_str(ctx, &self.combined(&name)).map(|s| s.into_value())
    }

    pub fn has(&self, ctx: Ctx<'_>, name: Coerced<String>) -> Result<bool> {
        let name = header_name(&ctx, &name.0)?;
        Ok(self.map.contains_key(name))
    }

    #[qjs(rename = "getSetCookie")]
    pub fn get_set_cookie(&self) -> Vec<String> {
        self.map
            .get_all(http::header::SET_COOKIE)
            .iter()
            .map(value_string)
            .collect()
    }

    #[qjs(rename = "forEach")]
    pub fn for_each<'js>(
        this: This<Class<'js, Self>>,
        callback: Function<'js>,
        this_arg: Opt<Value<'js>>,
    ) -> Result<()> {
        let pairs = this.0.borrow().sorted_pairs();
        let this_arg = this_arg
            .0
            .unwrap_or_else(|| Value::new_undefined(callback.ctx().clone()));
        for (name, value) in pairs {
            callback.call::<_, ()>((
                rquickjs::function::This(this_arg.clone()),
                value,
                name,
                this.0.clone(),
            ))?;
        }
        Ok(())
    }

    pub fn entries<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let pairs = Array::new(ctx.clone())?;
        for (i, (k, v)) in self.sorted_pairs().into_iter().enumerate() {
            let pair = Array::new(ctx.clone())?;
            pair.set(0, k)?;
            pair.set(1, v)?;
            pairs.set(i, pair)?;
        }
        array_iterator(&ctx, pairs)
    }

    pub fn keys<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let items = Array::new(ctx.clone())?;
        for (i, (k, _)) in self.sorted_pairs().into_iter().enumerate() {
            items.set(i, k)?;
        }
        array_iterator(&ctx, items)
    }

    pub fn values<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let items = Array::new(ctx.clone())?;
        for (i, (_, v)) in self.sorted_pairs().into_iter().enumerate() {
            items.set(i, v)?;
        }
        array_iterator(&ctx, items)
    }

    #[qjs(rename = PredefinedAtom::SymbolIterator)]
    pub fn iterator<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        self.entries(ctx)
    }

    #[qjs(rename = PredefinedAtom::SymbolToStringTag, get)]
    pub fn to_string_tag(&self) -> &'static str {
        "Headers"
    }
}

/// The headers of a Request or Response: a plain `HeaderMap` until the app asks for
/// `.headers`, then the `Headers` object. Most requests never touch it, so no JS object is made.
pub enum LazyHeaders<'js> {
    Map(HeaderMap, Guard),
    Object(Class<'js, Headers>),
}

impl<'js> Trace<'js> for LazyHeaders<'js> {
    fn trace<'a>(&self, tracer: rquickjs::class::Tracer<'a, 'js>) {
        if let LazyHeaders::Object(obj) = self {
            obj.trace(tracer);
        }
    }
}

// SAFETY: only holds JS values of lifetime `'js`, and `Changed` swaps exactly that lifetime.
unsafe impl<'js> JsLifetime<'js> for LazyHeaders<'js> {
    type Changed<'to> = LazyHeaders<'to>;
}

impl<'js> LazyHeaders<'js> {
    /// The `Headers` object, made on first use.
    pub fn object(&mut self, ctx: &Ctx<'js>) -> Result<Class<'js, Headers>> {
        if let LazyHeaders::Map(map, guard) = self {
            let obj = Class::instance(ctx.clone(), Headers::from_map(std::mem::take(map), *guard))?;
            *self = LazyHeaders::Object(obj);
        }
        match self {
            LazyHeaders::Object(obj) => Ok(obj.clone()),
            LazyHeaders::Map(..) => unreachable!("materialized above"),
        }
    }

    /// A copy of the current header list.
    pub fn to_map(&self) -> HeaderMap {
        match self {
            LazyHeaders::Map(map, _) => map.clone(),
            LazyHeaders::Object(obj) => obj.borrow().map.clone(),
        }
    }

    /// The current header list, moved out when no JS object can see it.
    pub fn take_map(&mut self) -> HeaderMap {
        match self {
            LazyHeaders::Map(map, _) => std::mem::take(map),
            LazyHeaders::Object(obj) => obj.borrow().map.clone(),
        }
    }

    /// One header's value as text.
    pub fn get_text(&self, name: http::header::HeaderName) -> Option<String> {
        match self {
            LazyHeaders::Map(map, _) => map.get(name).map(value_string),
            LazyHeaders::Object(obj) => obj.borrow().map.get(name).map(value_string),
        }
    }
}
