//! `WebAssembly.Table`, `Global` and `Tag`: made in the isolate's long-lived store (or, when
//! exported by an instance, in the instance's), read and written with values converted as the
//! JS API says.

use rquickjs::{Ctx, Exception, Object, Result, Value};
use wasmtime::{FuncType, GlobalType, Mutability, RefType, Table, TableType, TagType, ValType};

use super::convert::{coerce, default_for, plain, plain_ref, to_js, type_name, type_of_name};
use super::engine;
use super::handles::Handle;
use super::memories::pages;
use super::natives::{handle_of, wrap};
use super::state::{state, WasmSlot, WasmState};
use super::store::{StoreData, StoreRef};

fn ref_type(ctx: &Ctx<'_>, element: &str) -> Result<RefType> {
    match type_of_name(element) {
        Some(ValType::Ref(r)) => Ok(r),
        _ => Err(Exception::throw_type(
            ctx,
            &format!("'{element}' is not a reference type"),
        )),
    }
}

fn element_value<'js>(
    ctx: &Ctx<'js>,
    state: &WasmState,
    store: &StoreRef,
    ty: &ValType,
    value: Value<'js>,
    given: bool,
) -> Result<super::convert::Coerced<'js>> {
    if given {
        coerce(ctx, state, value, ty, store)
    } else {
        default_for(ctx, ty)
    }
}

fn into_ref<'js>(
    ctx: &Ctx<'js>,
    state: &WasmState,
    store: &mut wasmtime::StoreContextMut<'_, StoreData>,
    value: super::convert::Coerced<'js>,
    ty: &ValType,
) -> wasmtime::Result<wasmtime::Ref> {
    let val = value.into_val(ctx, state, store, ty)?;
    val.ref_()
        .ok_or_else(|| wasmtime::Error::msg("not a reference"))
}

/// `tableNew(element, initial, maximum, value, given)`.
pub fn table_new<'js>(
    ctx: Ctx<'js>,
    element: String,
    initial: f64,
    maximum: Option<f64>,
    value: Value<'js>,
    given: bool,
) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let rt = ref_type(&ctx, &element)?;
    let vt = ValType::Ref(rt.clone());
    let root = state.root();
    let init = element_value(&ctx, state, &root, &vt, value, given)?;
    let ty = TableType::new(rt, pages(initial), maximum.map(pages));
    let made = root.with(|mut store| {
        let init = into_ref(&ctx, state, &mut store, init, &vt)?;
        Table::new(&mut store, ty, init)
    });
    match made {
        Ok(t) => wrap(&ctx, Handle::Table(root, t)),
        Err(e) => Err(Exception::throw_range(
            &ctx,
            &format!("WebAssembly.Table(): could not allocate the table: {e:#}"),
        )),
    }
}

fn table_of(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<(StoreRef, Table)> {
    match handle_of(ctx, value)? {
        Handle::Table(s, t) => Ok((s, t)),
        _ => Err(Exception::throw_type(ctx, "not a WebAssembly.Table")),
    }
}

/// `tableGet(table, index)`.
pub fn table_get<'js>(ctx: Ctx<'js>, table: Value<'js>, index: f64) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let (home, table) = table_of(&ctx, &table)?;
    let got = home.with(|mut store| {
        let r = table.get(&mut store, index as u64)?;
        Some(plain_ref(&mut store, r))
    });
    match got {
        Some(p) => to_js(&ctx, state, &home, p),
        None => Err(Exception::throw_range(
            &ctx,
            "WebAssembly.Table.get(): index out of bounds",
        )),
    }
}

/// `tableSet(table, index, value, given)`.
pub fn table_set<'js>(
    ctx: Ctx<'js>,
    table: Value<'js>,
    index: f64,
    value: Value<'js>,
    given: bool,
) -> Result<()> {
    with_state!(ctx, state);
    let (home, table) = table_of(&ctx, &table)?;
    let vt = home.with(|store| ValType::Ref(table.ty(&store).element().clone()));
    let length = home.with(|store| table.size(&store));
    if index as u64 >= length {
        return Err(Exception::throw_range(
            &ctx,
            "WebAssembly.Table.set(): index out of bounds",
        ));
    }
    let value = element_value(&ctx, state, &home, &vt, value, given)?;
    let done = home.with(|mut store| {
        let r = into_ref(&ctx, state, &mut store, value, &vt)?;
        table.set(&mut store, index as u64, r)
    });
    done.map_err(|e| Exception::throw_range(&ctx, &format!("WebAssembly.Table.set(): {e:#}")))
}

/// `tableGrow(table, delta, value, given)`: the previous length.
pub fn table_grow<'js>(
    ctx: Ctx<'js>,
    table: Value<'js>,
    delta: f64,
    value: Value<'js>,
    given: bool,
) -> Result<f64> {
    with_state!(ctx, state);
    let (home, table) = table_of(&ctx, &table)?;
    let vt = home.with(|store| ValType::Ref(table.ty(&store).element().clone()));
    let value = element_value(&ctx, state, &home, &vt, value, given)?;
    let grown = home.with(|mut store| {
        let r = into_ref(&ctx, state, &mut store, value, &vt)?;
        table.grow(&mut store, pages(delta) as u64, r)
    });
    grown.map(|p| p as f64).map_err(|e| {
        Exception::throw_range(
            &ctx,
            &format!("WebAssembly.Table.grow(): could not grow the table: {e:#}"),
        )
    })
}

/// `tableType(table)`: `{element, minimum, maximum, length}`.
pub fn table_type<'js>(ctx: Ctx<'js>, table: Value<'js>) -> Result<Object<'js>> {
    let (home, table) = table_of(&ctx, &table)?;
    let (ty, length) = home.with(|store| (table.ty(&store), table.size(&store)));
    let o = Object::new(ctx.clone())?;
    o.set("element", type_name(&ValType::Ref(ty.element().clone())))?;
    o.set("minimum", length as f64)?;
    if let Some(max) = ty.maximum() {
        o.set("maximum", max as f64)?;
    }
    o.set("length", length as f64)?;
    Ok(o)
}

/// `globalNew(type, mutable, value, given)`.
pub fn global_new<'js>(
    ctx: Ctx<'js>,
    value_type: String,
    mutable: bool,
    value: Value<'js>,
    given: bool,
) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let Some(vt) = type_of_name(&value_type) else {
        return Err(Exception::throw_type(
            &ctx,
            &format!("'{value_type}' is not a value type"),
        ));
    };
    let root = state.root();
    let init = element_value(&ctx, state, &root, &vt, value, given)?;
    let mutability = if mutable {
        Mutability::Var
    } else {
        Mutability::Const
    };
    let made = root.with(|mut store| {
        let init = init.into_val(&ctx, state, &mut store, &vt)?;
        wasmtime::Global::new(&mut store, GlobalType::new(vt.clone(), mutability), init)
    });
    match made {
        Ok(g) => wrap(&ctx, Handle::Global(root, g)),
        Err(e) => Err(Exception::throw_type(
            &ctx,
            &format!("WebAssembly.Global(): {e:#}"),
        )),
    }
}

fn global_of(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<(StoreRef, wasmtime::Global)> {
    match handle_of(ctx, value)? {
        Handle::Global(s, g) => Ok((s, g)),
        _ => Err(Exception::throw_type(ctx, "not a WebAssembly.Global")),
    }
}

/// `globalGet(global)`.
pub fn global_get<'js>(ctx: Ctx<'js>, global: Value<'js>) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let (home, global) = global_of(&ctx, &global)?;
    let p = home.with(|mut store| {
        let v = global.get(&mut store);
        plain(&mut store, &v)
    });
    to_js(&ctx, state, &home, p)
}

/// `globalSet(global, value)` (the JS half checked that it is mutable).
pub fn global_set<'js>(ctx: Ctx<'js>, global: Value<'js>, value: Value<'js>) -> Result<()> {
    with_state!(ctx, state);
    let (home, global) = global_of(&ctx, &global)?;
    let vt = home.with(|store| global.ty(&store).content().clone());
    let value = coerce(&ctx, state, value, &vt, &home)?;
    let done = home.with(|mut store| {
        let v = value.into_val(&ctx, state, &mut store, &vt)?;
        global.set(&mut store, v)
    });
    done.map_err(|e| Exception::throw_type(&ctx, &format!("WebAssembly.Global: {e:#}")))
}

/// `globalType(global)`: `{value, mutable}`.
pub fn global_type<'js>(ctx: Ctx<'js>, global: Value<'js>) -> Result<Object<'js>> {
    let (home, global) = global_of(&ctx, &global)?;
    let ty = home.with(|store| global.ty(&store));
    let o = Object::new(ctx.clone())?;
    o.set("value", type_name(ty.content()))?;
    o.set("mutable", ty.mutability() == Mutability::Var)?;
    Ok(o)
}

/// `tagNew(parameters)`.
pub fn tag_new<'js>(ctx: Ctx<'js>, parameters: Vec<String>) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let mut params = Vec::new();
    for p in &parameters {
        match type_of_name(p) {
            Some(t) => params.push(t),
            None => {
                return Err(Exception::throw_type(
                    &ctx,
                    &format!("'{p}' is not a value type"),
                ))
            }
        }
    }
    let ty = TagType::new(FuncType::new(engine::engine(), params, []));
    let root = state.root();
    let made = root.with(|mut store| wasmtime::Tag::new(&mut store, &ty));
    match made {
        Ok(t) => wrap(&ctx, Handle::Tag(root, t)),
        Err(e) => Err(Exception::throw_type(
            &ctx,
            &format!("WebAssembly.Tag(): {e:#}"),
        )),
    }
}

/// `tagType(tag)`: `{parameters}`.
pub fn tag_type<'js>(ctx: Ctx<'js>, tag: Value<'js>) -> Result<Object<'js>> {
    let Handle::Tag(home, tag) = handle_of(&ctx, &tag)? else {
        return Err(Exception::throw_type(&ctx, "not a WebAssembly.Tag"));
    };
    let ty = home.with(|store| tag.ty(&store));
    let names: Vec<&str> = ty.ty().params().map(|p| type_name(&p)).collect();
    let o = Object::new(ctx.clone())?;
    o.set("parameters", names)?;
    Ok(o)
}

/// `tagEq(a, b)`: whether two tag handles are the same tag.
pub fn tag_eq<'js>(ctx: Ctx<'js>, a: Value<'js>, b: Value<'js>) -> Result<bool> {
    match (handle_of(&ctx, &a)?, handle_of(&ctx, &b)?) {
        (Handle::Tag(sa, a), Handle::Tag(sb, b)) => {
            Ok(sa.id == sb.id && sa.with(|store| wasmtime::Tag::eq(&a, &b, &store)))
        }
        _ => Ok(false),
    }
}
