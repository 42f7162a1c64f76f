//! WebIDL's shape for interface objects, applied natively: it runs over every member of every
//! interface of every isolate, and in interpreted JS it was a quarter of an isolate's start.
//! Members become enumerable; members of native classes (which the engine creates without
//! names) are named after their key (`get key`/`set key` for accessors).

use rquickjs::object::Property;
use rquickjs::{qjs, Ctx, Function, Object, Result, Value};

/// An atom of the context, released on drop.
struct Atom<'a, 'js> {
    ctx: &'a Ctx<'js>,
    atom: qjs::JSAtom,
}

impl<'a, 'js> Atom<'a, 'js> {
    fn new(ctx: &'a Ctx<'js>, name: &std::ffi::CStr) -> Self {
        // SAFETY: the context is alive for 'js; the name is a NUL-terminated string.
        let atom = unsafe { qjs::JS_NewAtom(ctx.as_raw().as_ptr(), name.as_ptr()) };
        Atom { ctx, atom }
    }
}

impl Drop for Atom<'_, '_> {
    fn drop(&mut self) {
        // SAFETY: the atom was made by `JS_NewAtom` on this context and is released once.
        unsafe { qjs::JS_FreeAtom(self.ctx.as_raw().as_ptr(), self.atom) };
    }
}

/// Shapes the own string-keyed members of `target`: all but `constructor` (and, when
/// `is_ctor`, the constructor's own `prototype`, `length` and `name`) become enumerable; with
/// `native`, non-configurable members are left alone and unnamed functions get their names.
pub fn shape_members<'js>(
    ctx: Ctx<'js>,
    target: Object<'js>,
    is_ctor: bool,
    native: bool,
) -> Result<()> {
    let raw = ctx.as_raw().as_ptr();
    let obj = target.as_raw();
    let skip = [
        Atom::new(&ctx, c"constructor"),
        Atom::new(&ctx, c"prototype"),
        Atom::new(&ctx, c"length"),
        Atom::new(&ctx, c"name"),
    ];
    let skipped = |atom: qjs::JSAtom| {
        atom == skip[0].atom || (is_ctor && skip[1..].iter().any(|s| s.atom == atom))
    };
    let mut tab: *mut qjs::JSPropertyEnum = std::ptr::null_mut();
    let mut len: u32 = 0;
    let flags = (qjs::JS_GPN_STRING_MASK | qjs::JS_GPN_SET_ENUM) as i32;
    // SAFETY: `obj` is a live object of this context; on success the engine allocates `tab`
    // with `len` entries, released below with `JS_FreePropertyEnum`.
    if unsafe { qjs::JS_GetOwnPropertyNames(raw, &mut tab, &mut len, obj, flags) } < 0 {
        return Err(rquickjs::Error::Exception);
    }
    // SAFETY: `tab` holds `len` initialized entries until it is freed.
    let entries = unsafe { std::slice::from_raw_parts(tab, len as usize) };
    let mut result = Ok(());
    for entry in entries {
        if skipped(entry.atom) {
            continue;
        }
        if !native {
            // JS class members are named and configurable already: only the flag changes.
            if !entry.is_enumerable {
                set_enumerable(raw, obj, entry.atom);
            }
            continue;
        }
        if let Err(e) = shape_native_member(&ctx, &target, entry.atom) {
            result = Err(e);
            break;
        }
    }
    // SAFETY: `tab`/`len` came from `JS_GetOwnPropertyNames` and are freed once.
    unsafe { qjs::JS_FreePropertyEnum(raw, tab, len) };
    result
}

fn set_enumerable(raw: *mut qjs::JSContext, obj: qjs::JSValue, atom: qjs::JSAtom) {
    let flags = (qjs::JS_PROP_HAS_ENUMERABLE | qjs::JS_PROP_ENUMERABLE) as i32;
    // SAFETY: defines only the enumerable flag of an existing own property of a live object;
    // the undefined values are not consumed. Without JS_PROP_THROW a refusal is no exception.
    unsafe {
        qjs::JS_DefineProperty(
            raw,
            obj,
            atom,
            qjs::JS_UNDEFINED,
            qjs::JS_UNDEFINED,
            qjs::JS_UNDEFINED,
            flags,
        )
    };
}

fn shape_native_member<'js>(ctx: &Ctx<'js>, target: &Object<'js>, atom: qjs::JSAtom) -> Result<()> {
    let raw = ctx.as_raw().as_ptr();
    let mut desc = qjs::JSPropertyDescriptor {
        flags: 0,
        value: qjs::JS_UNDEFINED,
        getter: qjs::JS_UNDEFINED,
        setter: qjs::JS_UNDEFINED,
    };
    // SAFETY: on a return of 1 the descriptor's three values are owned by us; they are wrapped
    // in `Value`s at once, which release them.
    let found = unsafe { qjs::JS_GetOwnProperty(raw, &mut desc, target.as_raw(), atom) };
    if found < 0 {
        return Err(rquickjs::Error::Exception);
    }
    if found == 0 {
        return Ok(());
    }
    // SAFETY: see above: each value is owned and handed to a `Value` exactly once.
    let (value, getter, setter) = unsafe {
        (
            Value::from_raw(ctx.clone(), desc.value),
            Value::from_raw(ctx.clone(), desc.getter),
            Value::from_raw(ctx.clone(), desc.setter),
        )
    };
    let flags = desc.flags as u32;
    if flags & qjs::JS_PROP_CONFIGURABLE == 0 {
        return Ok(());
    }
    if flags & qjs::JS_PROP_ENUMERABLE == 0 {
        set_enumerable(raw, target.as_raw(), atom);
    }
    // SAFETY: `JS_AtomToString` returns a new string value, owned by the `Value`.
    let key = unsafe { Value::from_raw(ctx.clone(), qjs::JS_AtomToString(raw, atom)) };
    let Some(key) = key.as_string().map(|s| s.to_string()).transpose()? else {
        return Ok(());
    };
    let name_if_unnamed = |f: &Value<'js>, name: String| -> Result<()> {
        if let Some(f) = f.as_function() {
            if unnamed(f)? {
                if let Some(obj) = f.as_object() {
                    obj.prop("name", Property::from(name))?;
                }
            }
        }
        Ok(())
    };
    name_if_unnamed(&value, key.clone())?;
    name_if_unnamed(&getter, format!("get {key}"))?;
    name_if_unnamed(&setter, format!("set {key}"))?;
    Ok(())
}

fn unnamed(f: &Function<'_>) -> Result<bool> {
    let name: Value = f.get("name")?;
    Ok(name
        .as_string()
        .is_some_and(|s| s.to_string().is_ok_and(|s| s.is_empty())))
}
