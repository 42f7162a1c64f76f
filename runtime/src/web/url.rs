//! `URL` and `URLSearchParams`, native over our own WHATWG URL parser (`crate::whatwg_url`).
//! A URL and its `searchParams` stay in sync in both directions, and `URLSearchParams`
//! iterators are live over the list, as the URL standard requires.

use rquickjs::atom::PredefinedAtom;
use rquickjs::class::Trace;
use rquickjs::function::{Opt, This};
use rquickjs::{Array, Class, Ctx, Exception, Function, JsLifetime, Object, Result, Value};

use super::util::{require_new, UsvString};
use crate::whatwg_url;

fn parse(input: &str, base: Option<&str>) -> Option<whatwg_url::Url> {
    whatwg_url::Url::parse_with_base_str(input, base).ok()
}

fn invalid_url(ctx: &Ctx<'_>, input: &str) -> rquickjs::Error {
    Exception::throw_type(ctx, &format!("Invalid URL: {input}"))
}

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "URL")]
pub struct Url<'js> {
    #[qjs(skip_trace)]
    pub url: whatwg_url::Url,
    pub params: Option<Class<'js, URLSearchParams<'js>>>,
}

impl<'js> Url<'js> {
    /// Sets the linked `URLSearchParams`' list from `query` (the URL's query changed).
    fn set_params_from(&self, query: &str) {
        if let Some(params) = &self.params {
            params.borrow_mut().list = parse_query(query);
        }
    }
}

fn base_arg(base: Opt<Value<'_>>) -> Result<Option<String>> {
    match base.0 {
        Some(v) if !v.is_undefined() => Ok(Some(v.get::<UsvString>()?.0)),
        _ => Ok(None),
    }
}

#[rquickjs::methods(rename_all = "camelCase")]
impl<'js> Url<'js> {
    #[qjs(constructor)]
    pub fn new(
        ctx: Ctx<'js>,
        this: This<Value<'js>>,
        url: UsvString,
        base: Opt<Value<'js>>,
    ) -> Result<Self> {
        require_new(&ctx, &this.0, "URL")?;
        let base = base_arg(base)?;
        match parse(&url.0, base.as_deref()) {
            Some(url) => Ok(Url { url, params: None }),
            None => Err(invalid_url(&ctx, &url.0)),
        }
    }

    #[qjs(static)]
    pub fn can_parse(url: UsvString, base: Opt<Value<'js>>) -> Result<bool> {
        let base = base_arg(base)?;
        Ok(parse(&url.0, base.as_deref()).is_some())
    }

    #[qjs(static)]
    pub fn parse(ctx: Ctx<'js>, url: UsvString, base: Opt<Value<'js>>) -> Result<Value<'js>> {
        let base = base_arg(base)?;
        match parse(&url.0, base.as_deref()) {
            Some(url) => Class::instance(ctx, Url { url, params: None }).map(|c| c.into_value()),
            None => Ok(Value::new_null(ctx)),
        }
    }

    #[qjs(get, enumerable, configurable)]
    pub fn href(&self) -> String {
        self.url.href()
    }

    #[qjs(set, rename = "href", enumerable, configurable)]
    pub fn set_href(&mut self, ctx: Ctx<'js>, value: UsvString) -> Result<()> {
        let url = parse(&value.0, None).ok_or_else(|| invalid_url(&ctx, &value.0))?;
        self.url = url;
        let query = self.url.query.clone().unwrap_or_default();
        self.set_params_from(&query);
        Ok(())
    }

    #[qjs(get, enumerable, configurable)]
    pub fn origin(&self) -> String {
        self.url.origin()
    }

    #[qjs(get, enumerable, configurable)]
    pub fn protocol(&self) -> String {
        self.url.protocol()
    }

    #[qjs(set, rename = "protocol", enumerable, configurable)]
    pub fn set_protocol(&mut self, value: UsvString) {
        self.url.set_protocol(&value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn username(&self) -> String {
        self.url.username.clone()
    }

    #[qjs(set, rename = "username", enumerable, configurable)]
    pub fn set_username(&mut self, value: UsvString) {
        self.url.set_username(&value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn password(&self) -> String {
        self.url.password.clone()
    }

    #[qjs(set, rename = "password", enumerable, configurable)]
    pub fn set_password(&mut self, value: UsvString) {
        self.url.set_password(&value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn host(&self) -> String {
        self.url.host()
    }

    #[qjs(set, rename = "host", enumerable, configurable)]
    pub fn set_host(&mut self, value: UsvString) {
        self.url.set_host(&value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn hostname(&self) -> String {
        self.url.hostname().to_owned()
    }

    #[qjs(set, rename = "hostname", enumerable, configurable)]
    pub fn set_hostname(&mut self, value: UsvString) {
        self.url.set_hostname(&value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn port(&self) -> String {
        self.url.port()
    }

    #[qjs(set, rename = "port", enumerable, configurable)]
    pub fn set_port(&mut self, value: UsvString) {
        self.url.set_port(&value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn pathname(&self) -> String {
        self.url.pathname()
    }

    #[qjs(set, rename = "pathname", enumerable, configurable)]
    pub fn set_pathname(&mut self, value: UsvString) {
        self.url.set_pathname(&value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn search(&self) -> String {
        self.url.search()
    }

    #[qjs(set, rename = "search", enumerable, configurable)]
    pub fn set_search(&mut self, value: UsvString) {
        let query = self.url.set_search(&value.0);
        self.set_params_from(&query);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn hash(&self) -> String {
        self.url.hash()
    }

    #[qjs(set, rename = "hash", enumerable, configurable)]
    pub fn set_hash(&mut self, value: UsvString) {
        self.url.set_hash(&value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn search_params(
        this: This<Class<'js, Self>>,
        ctx: Ctx<'js>,
    ) -> Result<Class<'js, URLSearchParams<'js>>> {
        if let Some(p) = &this.0.borrow().params {
            return Ok(p.clone());
        }
        let list = parse_query(this.0.borrow().url.query.as_deref().unwrap_or(""));
        let params = Class::instance(
            ctx,
            URLSearchParams {
                list,
                url: Some(this.0.clone()),
            },
        )?;
        this.0.borrow_mut().params = Some(params.clone());
        Ok(params)
    }

    #[qjs(rename = "toString")]
    pub fn to_string_js(&self) -> String {
        self.url.href()
    }

    #[qjs(rename = "toJSON")]
    pub fn to_json(&self) -> String {
        self.url.href()
    }

    #[qjs(rename = PredefinedAtom::SymbolToStringTag, get)]
    pub fn to_string_tag(&self) -> &'static str {
        "URL"
    }
}

/// The `application/x-www-form-urlencoded` parser.
fn parse_query(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct URLSearchParams<'js> {
    #[qjs(skip_trace)]
    pub list: Vec<(String, String)>,
    pub url: Option<Class<'js, Url<'js>>>,
}

impl<'js> URLSearchParams<'js> {
    /// The `application/x-www-form-urlencoded` serialization.
    pub fn serialize(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.list.iter())
            .finish()
    }

    /// Writes the list back into the linked URL's query.
    fn update(&self) {
        if let Some(url) = &self.url {
            let text = self.serialize();
            let query = (!text.is_empty()).then_some(text);
            url.borrow_mut().url.set_query_from_params(query);
        }
    }
}

/// `Array.from(value)`: the items of any iterable.
fn items_of<'js>(ctx: &Ctx<'js>, value: Value<'js>) -> Result<Array<'js>> {
    ctx.globals()
        .get::<_, Object>("Array")?
        .get::<_, Function>("from")?
        .call((value,))
}

fn to_pair<'js>(ctx: &Ctx<'js>, v: Value<'js>) -> Result<(String, String)> {
    if !v.is_object() {
        return Err(Exception::throw_type(
            ctx,
            "Each URLSearchParams pair must be an iterable of two strings",
        ));
    }
    let items = items_of(ctx, v)?;
    if items.len() != 2 {
        return Err(Exception::throw_type(
            ctx,
            "Each URLSearchParams pair must have exactly two items",
        ));
    }
    Ok((items.get::<UsvString>(0)?.0, items.get::<UsvString>(1)?.0))
}

/// A record's entries: the object's own enumerable string keys and their values.
fn record_pairs<'js>(ctx: &Ctx<'js>, obj: &Object<'js>) -> Result<Vec<(String, String)>> {
    let keys: Array = ctx
        .globals()
        .get::<_, Object>("Object")?
        .get::<_, Function>("keys")?
        .call((obj.clone(),))?;
    let mut pairs = Vec::with_capacity(keys.len());
    for key in keys.iter::<rquickjs::String>() {
        let key = key?;
        let value: UsvString = obj.get(key.clone())?;
        let key = super::util::usv_string(ctx, key)?;
        // Keys that differ only in lone surrogates meet as one: the later value wins.
        match pairs.iter_mut().find(|(k, _)| *k == key) {
            Some(pair) => pair.1 = value.0,
            None => pairs.push((key, value.0)),
        }
    }
    Ok(pairs)
}

fn optional_value(value: Opt<Value<'_>>) -> Result<Option<String>> {
    match value.0 {
        Some(v) if !v.is_undefined() => Ok(Some(v.get::<UsvString>()?.0)),
        _ => Ok(None),
    }
}

#[rquickjs::methods]
impl<'js> URLSearchParams<'js> {
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'js>, this: This<Value<'js>>, init: Opt<Value<'js>>) -> Result<Self> {
        require_new(&ctx, &this.0, "URLSearchParams")?;
        let mut list = Vec::new();
        if let Some(init) = init.0.filter(|v| !v.is_undefined() && !v.is_null()) {
            if let Some(obj) = init.as_object().filter(|_| !init.is_string()) {
                let iterator: Value = obj.get(PredefinedAtom::SymbolIterator)?;
                if !iterator.is_undefined() && !iterator.is_null() {
                    for item in items_of(&ctx, init.clone())?.iter::<Value>() {
                        list.push(to_pair(&ctx, item?)?);
                    }
                } else {
                    list = record_pairs(&ctx, obj)?;
                }
            } else {
                let text: UsvString = init.get()?;
                list = parse_query(text.0.strip_prefix('?').unwrap_or(&text.0));
            }
        }
        Ok(URLSearchParams { list, url: None })
    }

    #[qjs(get, enumerable, configurable)]
    pub fn size(&self) -> usize {
        self.list.len()
    }

    pub fn append(&mut self, name: UsvString, value: UsvString) {
        self.list.push((name.0, value.0));
        self.update();
    }

    pub fn delete(&mut self, name: UsvString, value: Opt<Value<'js>>) -> Result<()> {
        let value = optional_value(value)?;
        self.list
            .retain(|(k, v)| !(k == &name.0 && value.as_ref().is_none_or(|val| val == v)));
        self.update();
        Ok(())
    }

    pub fn get(&self, ctx: Ctx<'js>, name: UsvString) -> Result<Value<'js>> {
        match self.list.iter().find(|(k, _)| k == &name.0) {
            Some((_, v)) => rquickjs::String::from_str(ctx, v).map(|s| s.into_value()),
            None => Ok(Value::new_null(ctx)),
        }
    }

    #[qjs(rename = "getAll")]
    pub fn get_all(&self, name: UsvString) -> Vec<String> {
        self.list
            .iter()
            .filter(|(k, _)| k == &name.0)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn has(&self, name: UsvString, value: Opt<Value<'js>>) -> Result<bool> {
        let value = optional_value(value)?;
        Ok(self
            .list
            .iter()
            .any(|(k, v)| k == &name.0 && value.as_ref().is_none_or(|val| val == v)))
    }

    pub fn set(&mut self, name: UsvString, value: UsvString) {
        let mut found = false;
        let name = name.0;
        let mut value = Some(value.0);
        self.list.retain_mut(|(k, v)| {
            if *k != name {
                return true;
            }
            if found {
                return false;
            }
            found = true;
            *v = value.take().unwrap_or_default();
            true
        });
        if let Some(value) = value {
            self.list.push((name, value));
        }
        self.update();
    }

    pub fn sort(&mut self) {
        self.list
            .sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
        self.update();
    }

    #[qjs(rename = "toString")]
    pub fn to_string_js(&self) -> String {
        self.serialize()
    }

    #[qjs(rename = "forEach")]
    pub fn for_each(
        this: This<Class<'js, Self>>,
        callback: Function<'js>,
        this_arg: Opt<Value<'js>>,
    ) -> Result<()> {
        let this_arg = this_arg
            .0
            .unwrap_or_else(|| Value::new_undefined(callback.ctx().clone()));
        let mut i = 0;
        loop {
            let pair = this.0.borrow().list.get(i).cloned();
            let Some((k, v)) = pair else { break };
            callback.call::<_, ()>((This(this_arg.clone()), v, k, this.0.clone()))?;
            i += 1;
        }
        Ok(())
    }

    pub fn entries(this: This<Class<'js, Self>>) -> ParamsIterator<'js> {
        ParamsIterator::new(this.0, IterKind::Entries)
    }

    pub fn keys(this: This<Class<'js, Self>>) -> ParamsIterator<'js> {
        ParamsIterator::new(this.0, IterKind::Keys)
    }

    pub fn values(this: This<Class<'js, Self>>) -> ParamsIterator<'js> {
        ParamsIterator::new(this.0, IterKind::Values)
    }

    #[qjs(rename = PredefinedAtom::SymbolToStringTag, get)]
    pub fn to_string_tag(&self) -> &'static str {
        "URLSearchParams"
    }
}

#[derive(Clone, Copy)]
pub enum IterKind {
    Entries,
    Keys,
    Values,
}

/// A live iterator over a `URLSearchParams` list: it reads the list at its index on every
/// `next()`, so changes made during iteration are seen.
#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "URLSearchParams Iterator")]
pub struct ParamsIterator<'js> {
    params: Class<'js, URLSearchParams<'js>>,
    #[qjs(skip_trace)]
    index: usize,
    #[qjs(skip_trace)]
    kind: IterKind,
}

impl<'js> ParamsIterator<'js> {
    fn new(params: Class<'js, URLSearchParams<'js>>, kind: IterKind) -> Self {
        ParamsIterator {
            params,
            index: 0,
            kind,
        }
    }
}

#[rquickjs::methods]
impl<'js> ParamsIterator<'js> {
    pub fn next(&mut self, ctx: Ctx<'js>) -> Result<Object<'js>> {
        let result = Object::new(ctx.clone())?;
        let pair = self.params.borrow().list.get(self.index).cloned();
        match pair {
            None => {
                result.set("value", Value::new_undefined(ctx))?;
                result.set("done", true)?;
            }
            Some((k, v)) => {
                self.index += 1;
                match self.kind {
                    IterKind::Keys => result.set("value", k)?,
                    IterKind::Values => result.set("value", v)?,
                    IterKind::Entries => {
                        let pair = Array::new(ctx)?;
                        pair.set(0, k)?;
                        pair.set(1, v)?;
                        result.set("value", pair)?;
                    }
                }
                result.set("done", false)?;
            }
        }
        Ok(result)
    }
}

/// Defines `URL` and `URLSearchParams` on `globals`, with `URLSearchParams.prototype`'s
/// `@@iterator` being its `entries` (as WebIDL's pair iterables require) and the iterator's
/// prototype inheriting from `%IteratorPrototype%`.
pub fn define<'js>(ctx: &Ctx<'js>, globals: &Object<'js>) -> Result<()> {
    Class::<Url>::define(globals)?;
    Class::<URLSearchParams>::define(globals)?;
    let proto = Class::<URLSearchParams>::prototype(ctx)?
        .ok_or_else(|| Exception::throw_internal(ctx, "URLSearchParams has no prototype"))?;
    let entries: Value = proto.get("entries")?;
    proto.prop(
        PredefinedAtom::SymbolIterator,
        rquickjs::object::Property::from(entries)
            .writable()
            .configurable(),
    )?;
    let iter_proto = Class::<ParamsIterator>::prototype(ctx)?
        .ok_or_else(|| Exception::throw_internal(ctx, "iterator has no prototype"))?;
    let array_iter: Object =
        ctx.eval("Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))")?;
    iter_proto.set_prototype(Some(&array_iter))?;
    iter_proto.prop(
        PredefinedAtom::SymbolToStringTag,
        rquickjs::object::Property::from("URLSearchParams Iterator").configurable(),
    )?;
    Ok(())
}
