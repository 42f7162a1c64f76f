//! The test262 runner against a small tree of our own (a stand-in harness with test262's
//! shape, and tests covering each mode and outcome): what passes passes, what should fail
//! fails, and the counts say so.

use std::path::Path;
use std::process::Command;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const HARNESS_ASSERT: &str = r#"
function Test262Error(message) { this.message = message || ""; }
Test262Error.prototype.toString = function () { return "Test262Error: " + this.message; };
Test262Error.prototype.name = "Test262Error";
function assert(value, message) { if (value !== true) throw new Test262Error(message); }
assert.sameValue = function (a, b, message) { if (!Object.is(a, b)) throw new Test262Error(message || (a + " !== " + b)); };
"#;

const HARNESS_DONE: &str = r#"
function $DONE(error) {
  if (error) print("Test262:AsyncTestFailure:" + error);
  else print("Test262:AsyncTestComplete");
}
"#;

fn test(meta: &str, body: &str) -> String {
    format!("/*---\ndescription: a case\n{meta}---*/\n{body}\n")
}

#[test]
fn each_mode_and_outcome_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "harness/assert.js", HARNESS_ASSERT);
    write(root, "harness/sta.js", "");
    write(root, "harness/doneprintHandle.js", HARNESS_DONE);
    write(
        root,
        "harness/extra.js",
        "function twice(x) { return 2 * x; }",
    );
    let cases = [
        ("pass/plain.js", test("", "assert.sameValue(1 + 1, 2);")),
        (
            "pass/include.js",
            test("includes: [extra.js]\n", "assert.sameValue(twice(2), 4);"),
        ),
        // Sloppy and strict runs both happen: `this` at the top is the global in both scripts.
        (
            "pass/both-modes.js",
            test("", "assert.sameValue(typeof this, 'object');"),
        ),
        (
            "pass/strict-only.js",
            test(
                "flags: [onlyStrict]\n",
                "assert.sameValue((function () { return this; })(), undefined);",
            ),
        ),
        (
            "pass/negative-parse.js",
            test(
                "negative:\n  phase: parse\n  type: SyntaxError\n",
                "var = ;",
            ),
        ),
        (
            "pass/async.js",
            test("flags: [async]\n", "Promise.resolve().then(() => $DONE());"),
        ),
        (
            "pass/module.js",
            test(
                "flags: [module]\n",
                "export const x = 1; assert.sameValue(x, 1);",
            ),
        ),
        (
            "pass/raw.js",
            test(
                "flags: [raw]\n",
                "if (typeof assert !== 'undefined') throw new Error('no harness for raw');",
            ),
        ),
        ("fail/assertion.js", test("", "assert.sameValue(1, 2);")),
        // Fails in its strict run only.
        ("fail/sloppy-only-code.js", test("", "undeclared = 1;")),
        (
            "fail/negative-not-thrown.js",
            test("negative:\n  phase: runtime\n  type: TypeError\n", "1;"),
        ),
        (
            "fail/async-failure.js",
            test(
                "flags: [async]\n",
                "Promise.resolve().then(() => $DONE(new Error('no')));",
            ),
        ),
    ];
    for (rel, text) in &cases {
        write(root, &format!("test/{rel}"), text);
    }
    let json = root.join("out.json");
    let out = Command::new(env!("CARGO_BIN_EXE_edge-conformance"))
        .args(["test262", "--root"])
        .arg(root)
        .arg("--json")
        .arg(&json)
        .args(["--expectations"])
        .arg(root.join("no-expectations"))
        .arg("test")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for (rel, _) in &cases {
        let passed = results[format!("test/{rel}")]["passed"].as_bool();
        assert_eq!(passed, Some(rel.starts_with("pass/")), "{rel}: {stdout}");
    }
    assert!(stdout.contains("| pass | 8 | 8 | 100.0 |"), "{stdout}");
    assert!(stdout.contains("| fail | 4 | 0 | 0.0 |"), "{stdout}");
}
