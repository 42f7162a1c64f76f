//! `URL` and `URLSearchParams`, native over the `url` crate (a WHATWG URL parser). A URL and its
//! `searchParams` stay in sync in both directions, as the URL standard requires.

use rquickjs::atom::PredefinedAtom;
use rquickjs::class::Trace;
use rquickjs::function::{Opt, This};
use rquickjs::prelude::Coerced;
use rquickjs::{Array, Class, Ctx, Exception, Function, JsLifetime, Object, Result, Value};
use url::quirks;

use super::util::array_iterator;

fn parse(input: &str, base: Option<&str>) -> Option<url::Url> {
    match base {
        Some(base) => {
            let base = url::Url::parse(base).ok()?;
            url::Url::options().base_url(Some(&base)).parse(input).ok()
        }
        None => url::Url::parse(input).ok(),
    }
}

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "URL")]
pub struct Url<'js> {
    #[qjs(skip_trace)]
    pub url: url::Url,
    pub params: Option<Class<'js, URLSearchParams<'js>>>,
}

impl<'js> Url<'js> {
    /// Re-reads the query into the linked `URLSearchParams`, after the URL changed.
    fn sync_params(&self) {
        if let Some(params) = &self.params {
            params.borrow_mut().list = parse_query(self.url.query().unwrap_or(""));
        }
    }
}

fn base_arg(base: Opt<Value<'_>>) -> Result<Option<String>> {
    match base.0 {
        Some(v) if !v.is_undefined() => Ok(Some(v.get::<Coerced<String>>()?.0)),
        _ => Ok(None),
    }
}

#[rquickjs::methods(rename_all = "camelCase")]
impl<'js> Url<'js> {
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'js>, url: Coerced<String>, base: Opt<Value<'js>>) -> Result<Self> {
        let base = base_arg(base)?;
        match parse(&url.0, base.as_deref()) {
            Some(url) => Ok(Url { url, params: None }),
            None => Err(Exception::throw_type(
                &ctx,
                &format!("Invalid URL: {}", url.0),
            )),
        }
    }

    #[qjs(static)]
    pub fn can_parse(url: Coerced<String>, base: Opt<Value<'js>>) -> Result<bool> {
        let base = base_arg(base)?;
        Ok(parse(&url.0, base.as_deref()).is_some())
    }

    #[qjs(static)]
    pub fn parse(ctx: Ctx<'js>, url: Coerced<String>, base: Opt<Value<'js>>) -> Result<Value<'js>> {
        let base = base_arg(base)?;
        match parse(&url.0, base.as_deref()) {
            Some(url) => Class::instance(ctx, Url { url, params: None }).map(|c| c.into_value()),
            None => Ok(Value::new_null(ctx)),
        }
    }

    #[qjs(get, enumerable, configurable)]
    pub fn href(&self) -> String {
        self.url.as_str().to_owned()
    }

    #[qjs(set, rename = "href", enumerable, configurable)]
    pub fn set_href(&mut self, ctx: Ctx<'js>, value: Coerced<String>) -> Result<()> {
        match url::Url::parse(&value.0) {
            Ok(u) => {
                self.url = u;
                self.sync_params();
                Ok(())
            }
            Err(_) => Err(Exception::throw_type(
                &ctx,
                &format!("Invalid URL: {}", value.0),
            )),
        }
    }

    #[qjs(get, enumerable, configurable)]
    pub fn origin(&self) -> String {
        quirks::origin(&self.url)
    }

    #[qjs(get, enumerable, configurable)]
    pub fn protocol(&self) -> String {
        quirks::protocol(&self.url).to_owned()
    }

    #[qjs(set, rename = "protocol", enumerable, configurable)]
    pub fn set_protocol(&mut self, value: Coerced<String>) {
        let _ = quirks::set_protocol(&mut self.url, &value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn username(&self) -> String {
        self.url.username().to_owned()
    }

    #[qjs(set, rename = "username", enumerable, configurable)]
    pub fn set_username(&mut self, value: Coerced<String>) {
        let _ = quirks::set_username(&mut self.url, &value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn password(&self) -> String {
        self.url.password().unwrap_or("").to_owned()
    }

    #[qjs(set, rename = "password", enumerable, configurable)]
    pub fn set_password(&mut self, value: Coerced<String>) {
        let _ = quirks::set_password(&mut self.url, &value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn host(&self) -> String {
        quirks::host(&self.url).to_owned()
    }

    #[qjs(set, rename = "host", enumerable, configurable)]
    pub fn set_host(&mut self, value: Coerced<String>) {
        let _ = quirks::set_host(&mut self.url, &value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn hostname(&self) -> String {
        quirks::hostname(&self.url).to_owned()
    }

    #[qjs(set, rename = "hostname", enumerable, configurable)]
    pub fn set_hostname(&mut self, value: Coerced<String>) {
        let _ = quirks::set_hostname(&mut self.url, &value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn port(&self) -> String {
        quirks::port(&self.url).to_owned()
    }

    #[qjs(set, rename = "port", enumerable, configurable)]
    pub fn set_port(&mut self, value: Coerced<String>) {
        let _ = quirks::set_port(&mut self.url, &value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn pathname(&self) -> String {
        quirks::pathname(&self.url).to_owned()
    }

    #[qjs(set, rename = "pathname", enumerable, configurable)]
    pub fn set_pathname(&mut self, value: Coerced<String>) {
        quirks::set_pathname(&mut self.url, &value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn search(&self) -> String {
        quirks::search(&self.url).to_owned()
    }

    #[qjs(set, rename = "search", enumerable, configurable)]
    pub fn set_search(&mut self, value: Coerced<String>) {
        quirks::set_search(&mut self.url, &value.0);
        self.sync_params();
    }

    #[qjs(get, enumerable, configurable)]
    pub fn hash(&self) -> String {
        quirks::hash(&self.url).to_owned()
    }

    #[qjs(set, rename = "hash", enumerable, configurable)]
    pub fn set_hash(&mut self, value: Coerced<String>) {
        quirks::set_hash(&mut self.url, &value.0);
    }

    #[qjs(get, enumerable, configurable)]
    pub fn search_params(
        this: This<Class<'js, Self>>,
        ctx: Ctx<'js>,
    ) -> Result<Class<'js, URLSearchParams<'js>>> {
        if let Some(p) = &this.0.borrow().params {
            return Ok(p.clone());
        }
        let list = parse_query(this.0.borrow().url.query().unwrap_or(""));
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
        self.url.as_str().to_owned()
    }

    #[qjs(rename = "toJSON")]
    pub fn to_json(&self) -> String {
        self.url.as_str().to_owned()
    }

    #[qjs(rename = PredefinedAtom::SymbolToStringTag, get)]
    pub fn to_string_tag(&self) -> &'static str {
        "URL"
    }
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
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
            let mut url = url.borrow_mut();
            if text.is_empty() {
                url.url.set_query(None);
            } else {
                url.url.set_query(Some(&text));
            }
        }
    }
}

fn to_pair<'js>(ctx: &Ctx<'js>, v: Value<'js>) -> Result<(String, String)> {
    let items: Array = ctx
        .globals()
        .get::<_, Object>("Array")?
        .get::<_, Function>("from")?
        .call((v,))?;
    if items.len() != 2 {
        return Err(Exception::throw_type(
            ctx,
            "Each URLSearchParams pair must have exactly two items",
        ));
    }
    Ok((
        items.get::<Coerced<String>>(0)?.0,
        items.get::<Coerced<String>>(1)?.0,
    ))
}

#[rquickjs::methods]
impl<'js> URLSearchParams<'js> {
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'js>, init: Opt<Value<'js>>) -> Result<Self> {
        let mut list = Vec::new();
        if let Some(init) = init.0.filter(|v| !v.is_undefined() && !v.is_null()) {
            if let Ok(other) = Class::<URLSearchParams>::from_value(&init) {
                list = other.borrow().list.clone();
            } else if let Some(obj) = init.as_object().filter(|_| !init.is_string()) {
                let iterator: Value = obj.get(PredefinedAtom::SymbolIterator)?;
                if iterator.is_function() {
                    let items: Array = ctx
                        .globals()
                        .get::<_, Object>("Array")?
                        .get::<_, Function>("from")?
                        .call((init.clone(),))?;
                    for item in items.iter::<Value>() {
                        list.push(to_pair(&ctx, item?)?);
                    }
                } else {
                    for key in obj.keys::<String>() {
                        let key = key?;
                        let value: Coerced<String> = obj.get(key.as_str())?;
                        list.push((key, value.0));
                    }
                }
            } else {
                let text: Coerced<String> = init.get()?;
                list = parse_query(&text.0);
            }
        }
        Ok(URLSearchParams { list, url: None })
    }

    #[qjs(get, enumerable, configurable)]
    pub fn size(&self) -> usize {
        self.list.len()
    }

    pub fn append(&mut self, name: Coerced<String>, value: Coerced<String>) {
        self.list.push((name.0, value.0));
        self.update();
    }

    pub fn delete(&mut self, name: Coerced<String>, value: Opt<Value<'js>>) -> Result<()> {
        let value = match value.0 {
            Some(v) if !v.is_undefined() => Some(v.get::<Coerced<String>>()?.0),
            _ => None,
        };
        self.list
            .retain(|(k, v)| !(k == &name.0 && value.as_ref().is_none_or(|val| val == v)));
        self.update();
        Ok(())
    }

    pub fn get(&self, ctx: Ctx<'js>, name: Coerced<String>) -> Result<Value<'js>> {
        match self.list.iter().find(|(k, _)| k == &name.0) {
            Some((_, v)) => rquickjs::String::from_str(ctx, v).map(|s| s.into_value()),
            None => Ok(Value::new_null(ctx)),
        }
    }

    #[qjs(rename = "getAll")]
    pub fn get_all(&self, name: Coerced<String>) -> Vec<String> {
        self.list
            .iter()
            .filter(|(k, _)| k == &name.0)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn has(&self, name: Coerced<String>, value: Opt<Value<'js>>) -> Result<bool> {
        let value = match value.0 {
            Some(v) if !v.is_undefined() => Some(v.get::<Coerced<String>>()?.0),
            _ => None,
        };
        Ok(self
            .list
            .iter()
            .any(|(k, v)| k == &name.0 && value.as_ref().is_none_or(|val| val == v)))
    }

    pub fn set(&mut self, name: Coerced<String>, value: Coerced<String>) {
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

    pub fn entries(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let items = Array::new(ctx.clone())?;
        for (i, (k, v)) in self.list.iter().enumerate() {
            let pair = Array::new(ctx.clone())?;
            pair.set(0, k.as_str())?;
            pair.set(1, v.as_str())?;
            items.set(i, pair)?;
        }
        array_iterator(&ctx, items)
    }

    pub fn keys(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let items = Array::new(ctx.clone())?;
        for (i, (k, _)) in self.list.iter().enumerate() {
            items.set(i, k.as_str())?;
        }
        array_iterator(&ctx, items)
    }

    pub fn values(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let items = Array::new(ctx.clone())?;
        for (i, (_, v)) in self.list.iter().enumerate() {
            items.set(i, v.as_str())?;
        }
        array_iterator(&ctx, items)
    }

    #[qjs(rename = PredefinedAtom::SymbolIterator)]
    pub fn iterator(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        self.entries(ctx)
    }

    #[qjs(rename = PredefinedAtom::SymbolToStringTag, get)]
    pub fn to_string_tag(&self) -> &'static str {
        "URLSearchParams"
    }
}
