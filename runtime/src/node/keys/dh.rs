//! Finite-field Diffie-Hellman for `createDiffieHellman` and `getDiffieHellman`: the MODP
//! groups, safe-prime generation, key pairs and shared secrets (padded to the prime's length,
//! as Node gives them), and the `verifyError` checks of the parameters.

use num_bigint_dig::prime::probably_prime;
use num_bigint_dig::BigUint;

use super::material::{ErrorClass, KeyError};
use super::modp::GROUPS;

/// `verifyError` flags, as OpenSSL's DH_check reports them.
pub const DH_CHECK_P_NOT_PRIME: u32 = 0x01;
pub const DH_CHECK_P_NOT_SAFE_PRIME: u32 = 0x02;
pub const DH_NOT_SUITABLE_GENERATOR: u32 = 0x08;

const PRIME_ROUNDS: usize = 20;
/// The largest safe prime `createDiffieHellman(bits)` generates (the MODP groups go further).
pub const MAX_GENERATED_PRIME_BITS: usize = 4096;
/// The largest prime (and private key) accepted at all, as OpenSSL bounds DH moduli: the
/// arithmetic on them is native and cannot be interrupted.
pub const MAX_MODULUS_BITS: usize = 10000;

fn too_large() -> KeyError {
    KeyError::new(
        ErrorClass::Error,
        "ERR_OSSL_DH_MODULUS_TOO_LARGE",
        "error:05000067:Diffie-Hellman routines::modulus too large",
    )
}

fn too_small() -> KeyError {
    KeyError::new(
        ErrorClass::Error,
        "ERR_OSSL_DH_MODULUS_TOO_SMALL",
        "error:05000067:Diffie-Hellman routines::modulus too small",
    )
}

/// Refuses numbers (primes, private keys) too large to compute with.
pub fn check_size(bytes: &[u8]) -> Result<(), KeyError> {
    if BigUint::from_bytes_be(bytes).bits() > MAX_MODULUS_BITS {
        return Err(too_large());
    }
    Ok(())
}

/// A MODP group's prime (its generator is 2).
pub fn group_prime(name: &str) -> Option<Vec<u8>> {
    let (_, hex) = GROUPS.iter().find(|(n, _)| *n == name)?;
    BigUint::parse_bytes(hex.as_bytes(), 16).map(|p| p.to_bytes_be())
}

/// A random number of at most `bits` bits; `exact` sets the top bit and makes it odd.
fn random_bits(bits: usize, exact: bool) -> BigUint {
    let mut bytes = vec![0u8; bits.div_ceil(8)];
    let _ = getrandom::fill(&mut bytes);
    let extra = bytes.len() * 8 - bits;
    if let Some(first) = bytes.first_mut() {
        *first &= 0xff >> extra;
        if exact {
            *first |= 0x80 >> extra;
        }
    }
    if exact {
        if let Some(last) = bytes.last_mut() {
            *last |= 1;
        }
    }
    BigUint::from_bytes_be(&bytes)
}

fn random_below_bits(bits: usize) -> BigUint {
    random_bits(bits, false)
}

/// Small primes for the sieve before the probabilistic tests.
fn small_primes() -> Vec<u32> {
    (3u32..10_000)
        .filter(|n| (2..*n).take_while(|d| d * d <= *n).all(|d| n % d != 0))
        .collect()
}

/// Fermat's test to base 2: cheap, and rejects almost every composite the sieve lets by.
fn fermat_base2(n: &BigUint) -> bool {
    let one = BigUint::from(1u32);
    BigUint::from(2u32).modpow(&(n - &one), n) == one
}

/// A random safe prime `p = 2q + 1` of exactly `bits` bits.
pub fn generate_safe_prime(bits: usize) -> Result<Vec<u8>, KeyError> {
    if bits < 2 {
        return Err(KeyError::new(
            ErrorClass::Error,
            "ERR_OSSL_BN_BITS_TOO_SMALL",
            "error:0300007F:bignum routines::bits too small",
        ));
    }
    // A native loop the engine cannot interrupt: bounded so one call cannot hold the isolate's
    // thread for minutes.
    if bits > MAX_GENERATED_PRIME_BITS {
        return Err(too_large());
    }
    if bits < 3 {
        return Ok(vec![3]);
    }
    let two = BigUint::from(2u32);
    if bits <= 12 {
        loop {
            let q = random_bits(bits - 1, true);
            let p: BigUint = &q * &two + 1u32;
            if p.bits() == bits
                && probably_prime(&q, PRIME_ROUNDS)
                && probably_prime(&p, PRIME_ROUNDS)
            {
                return Ok(p.to_bytes_be());
            }
        }
    }
    let small = small_primes();
    loop {
        // From a random odd q of bits - 1 bits, walk q, q + 2, ...: the remainders by the
        // small primes advance by 2 each step, so the sieve costs no big-number division.
        let start = random_bits(bits - 1, true);
        let mut residues: Vec<u32> = small.iter().map(|s| (&start % *s).to_u32_digit()).collect();
        for step in 0u32..(1 << 16) {
            let clear = small
                .iter()
                .zip(&residues)
                .all(|(s, r)| *r != 0 && (2 * r + 1) % s != 0);
            if clear {
                let q: BigUint = &start + BigUint::from(2 * step);
                if q.bits() != bits - 1 {
                    break;
                }
                let p: BigUint = &q * &two + 1u32;
                if fermat_base2(&q)
                    && fermat_base2(&p)
                    && probably_prime(&q, PRIME_ROUNDS)
                    && probably_prime(&p, PRIME_ROUNDS)
                {
                    return Ok(p.to_bytes_be());
                }
            }
            for (r, s) in residues.iter_mut().zip(&small) {
                *r = (*r + 2) % s;
            }
        }
    }
}

trait LowDigit {
    fn to_u32_digit(&self) -> u32;
}

impl LowDigit for BigUint {
    /// The value, when it fits in 32 bits (as a remainder by a small prime does).
    fn to_u32_digit(&self) -> u32 {
        self.to_bytes_be()
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | *b as u64) as u32
    }
}

/// The `verifyError` of a prime and generator; an error for a prime too large to use.
pub fn check(prime: &[u8], generator: &[u8]) -> Result<u32, KeyError> {
    check_size(prime)?;
    check_size(generator)?;
    let p = BigUint::from_bytes_be(prime);
    let g = BigUint::from_bytes_be(generator);
    let mut flags = 0;
    if p <= BigUint::from(2u32) || !probably_prime(&p, PRIME_ROUNDS) {
        flags |= DH_CHECK_P_NOT_PRIME;
    } else if !probably_prime(&((&p - 1u32) >> 1usize), PRIME_ROUNDS) {
        flags |= DH_CHECK_P_NOT_SAFE_PRIME;
    }
    if g <= BigUint::from(1u32) || p < BigUint::from(3u32) || g >= &p - 1u32 {
        flags |= DH_NOT_SUITABLE_GENERATOR;
    }
    Ok(flags)
}

/// A new private key for the group: a random number below the prime, above one (none exists
/// for a prime below 3).
pub fn private_key(prime: &[u8]) -> Result<Vec<u8>, KeyError> {
    let p = BigUint::from_bytes_be(prime);
    if p < BigUint::from(3u32) {
        return Err(too_small());
    }
    let bits = p.bits();
    loop {
        let x = random_below_bits(bits.saturating_sub(1).max(2));
        if x > BigUint::from(1u32) && x < p {
            return Ok(x.to_bytes_be());
        }
    }
}

/// `generator ^ private mod prime`.
pub fn public_key(prime: &[u8], generator: &[u8], private: &[u8]) -> Vec<u8> {
    let p = BigUint::from_bytes_be(prime);
    if p == BigUint::default() {
        return Vec::new();
    }
    BigUint::from_bytes_be(generator)
        .modpow(&BigUint::from_bytes_be(private), &p)
        .to_bytes_be()
}

/// The shared secret with a peer's public key, padded to the prime's length.
pub fn shared_secret(prime: &[u8], private: &[u8], peer: &[u8]) -> Result<Vec<u8>, KeyError> {
    check_size(prime)?;
    check_size(private)?;
    let p = BigUint::from_bytes_be(prime);
    let y = BigUint::from_bytes_be(peer);
    if y <= BigUint::from(1u32) {
        return Err(KeyError::new(
            ErrorClass::Error,
            "ERR_CRYPTO_INVALID_KEYLEN",
            "Supplied key is too small",
        ));
    }
    if p < BigUint::from(3u32) || y >= &p - 1u32 {
        return Err(KeyError::new(
            ErrorClass::Error,
            "ERR_CRYPTO_INVALID_KEYLEN",
            "Supplied key is too large",
        ));
    }
    let secret = y.modpow(&BigUint::from_bytes_be(private), &p).to_bytes_be();
    let len = p.bits().div_ceil(8);
    let mut out = vec![0u8; len.saturating_sub(secret.len())];
    out.extend(secret);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_safe_primes_and_agree() {
        let p = group_prime("modp2").unwrap();
        assert_eq!(p.len(), 128);
        assert_eq!(check(&p, &[2]).unwrap(), 0);
        let (a, b) = (private_key(&p).unwrap(), private_key(&p).unwrap());
        let (pa, pb) = (public_key(&p, &[2], &a), public_key(&p, &[2], &b));
        assert_eq!(
            shared_secret(&p, &a, &pb).unwrap(),
            shared_secret(&p, &b, &pa).unwrap()
        );
        assert!(shared_secret(&p, &a, &[1]).is_err());
        assert_ne!(check(&[2], &[2]).unwrap(), 0);
        assert!(private_key(&[2]).is_err());
        assert!(check(&vec![0xff; MAX_MODULUS_BITS / 8 + 1], &[2]).is_err());
        assert!(group_prime("modp3").is_none());
    }

    #[test]
    fn generated_primes_are_safe_and_sized() {
        let p = generate_safe_prime(128).unwrap();
        assert_eq!(BigUint::from_bytes_be(&p).bits(), 128);
        assert_eq!(check(&p, &[2]).unwrap(), 0);
        assert!(generate_safe_prime(1).is_err());
        assert!(generate_safe_prime(MAX_GENERATED_PRIME_BITS + 1).is_err());
    }
}
