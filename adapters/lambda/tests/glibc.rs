//! The bootstrap must run on Lambda's `provided.al2023`, whose glibc is 2.34: the binary may
//! not ask for a newer symbol version.

#[test]
fn needs_no_glibc_newer_than_2_34() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_edge-lambda")).unwrap();
    let mut newest = 0u32;
    for at in memchr::memmem::find_iter(&binary, b"GLIBC_2.") {
        let digits: String = binary[at + 8..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .map(|&b| b as char)
            .collect();
        if let Ok(minor) = digits.parse::<u32>() {
            newest = newest.max(minor);
        }
    }
    assert!(
        newest > 0,
        "no glibc symbol versions found: not a glibc binary?"
    );
    assert!(
        newest <= 34,
        "edge-lambda needs GLIBC_2.{newest}, newer than Amazon Linux 2023's glibc 2.34"
    );
}
