//! The outbound network policy: the [`Connector`] through which every `fetch()` of an isolate
//! opens its connections. It resolves the name itself and checks each address it would
//! connect to, so a name that resolves (or re-resolves) to a private address is refused too.
//! The production policy refuses loopback, private, link-local (cloud metadata), and other
//! non-public addresses; local development may allow them. A tenant's policy also lists the
//! hosts it may reach at all (exact names, `*.example.com` wildcards, optional ports).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use edge_runtime::{ConnectError, ConnectFuture, Connector};
use tokio::net::TcpStream;

/// How long one TCP connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// One entry of an allow list: `example.com`, `*.example.com` (any name under it, not the
/// name itself) or either with `:port`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostRule {
    name: String,
    wildcard: bool,
    port: Option<u16>,
}

impl HostRule {
    /// Parses an allow-list entry; `None` if it is not one.
    pub fn parse(text: &str) -> Option<HostRule> {
        let text = text.trim().to_ascii_lowercase();
        let (host, port) = match text.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h.to_owned(), Some(p.parse().ok()?)),
            _ => (text.clone(), None),
        };
        let (name, wildcard) = match host.strip_prefix("*.") {
            Some(rest) => (rest.to_owned(), true),
            None => (host, false),
        };
        let valid = !name.is_empty()
            && name.split('.').all(|l| {
                !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        valid.then_some(HostRule {
            name,
            wildcard,
            port,
        })
    }

    /// Whether a connection to `host:port` is allowed by this entry.
    pub fn matches(&self, host: &str, port: u16) -> bool {
        if self.port.is_some_and(|p| p != port) {
            return false;
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if self.wildcard {
            host.len() > self.name.len() + 1
                && host.ends_with(&self.name)
                && host.as_bytes()[host.len() - self.name.len() - 1] == b'.'
        } else {
            host == self.name
        }
    }
}

/// A block of addresses (`10.1.0.0/16`, `fd00:1::/32`) an operator opens to apps although it
/// is not public, optionally on one port only (`10.1.0.5:5432`, `[fd00:1::/64]:5432`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrRange {
    network: IpAddr,
    prefix: u8,
    port: Option<u16>,
}

impl AddrRange {
    /// Parses `address[/prefix]`, with `:port` after it (IPv6 in brackets then); a bare
    /// address is a range of one.
    pub fn parse(text: &str) -> Option<AddrRange> {
        let text = text.trim();
        let (range, port) = if let Some(rest) = text.strip_prefix('[') {
            let (range, after) = rest.split_once(']')?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':')?.parse::<u16>().ok()?),
            };
            (range, port)
        } else if text.matches(':').count() == 1 {
            let (range, port) = text.split_once(':')?;
            (range, Some(port.parse::<u16>().ok()?))
        } else {
            (text, None)
        };
        let (addr, prefix) = match range.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (range.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max && port != Some(0)).then_some(AddrRange {
            network: addr,
            prefix,
            port,
        })
    }

    /// Whether a connection to `addr` is opened by this range (its address, and its port if
    /// the range names one).
    pub fn allows(&self, addr: SocketAddr) -> bool {
        self.port.is_none_or(|p| p == addr.port()) && self.contains(addr.ip())
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// Which destinations isolates may connect to.
#[derive(Clone, Debug)]
pub struct NetPolicy {
    allow_private: bool,
    /// Non-public ranges opened all the same.
    open_ranges: Vec<AddrRange>,
    /// The hosts an app may reach; `None` for any host.
    hosts: Option<Vec<HostRule>>,
}

impl NetPolicy {
    /// Public internet addresses only: for servers shared by tenants.
    pub fn production() -> Self {
        NetPolicy {
            allow_private: false,
            open_ranges: Vec::new(),
            hosts: None,
        }
    }

    /// Any address, loopback and private networks included: for a developer's own machine.
    pub fn local_development() -> Self {
        NetPolicy {
            allow_private: true,
            open_ranges: Vec::new(),
            hosts: None,
        }
    }

    /// Opens these non-public ranges (an internal API network, say) under the production
    /// policy.
    pub fn with_open_ranges(mut self, ranges: Vec<AddrRange>) -> Self {
        self.open_ranges = ranges;
        self
    }

    /// Only these hosts (and nothing at all for an empty list).
    pub fn with_allowed_hosts(mut self, hosts: Vec<HostRule>) -> Self {
        self.hosts = Some(hosts);
        self
    }

    pub fn allows_private(&self) -> bool {
        self.allow_private
    }
}

impl Connector for NetPolicy {
    fn connect(&self, host: &str, port: u16) -> ConnectFuture {
        let listed = self
            .hosts
            .as_ref()
            .is_none_or(|rules| rules.iter().any(|r| r.matches(host, port)));
        let host = host.to_owned();
        let allow_private = self.allow_private;
        let open_ranges = self.open_ranges.clone();
        Box::pin(async move {
            if !listed {
                return Err(ConnectError::Denied(format!(
                    "connection to {host}:{port} refused: the host is not in the app's list of \
                     allowed hosts"
                )));
            }
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
                .await
                .map_err(|e| ConnectError::Failed(format!("cannot resolve {host}: {e}")))?
                .collect();
            let mut refused = None;
            let mut failure = None;
            for addr in addrs {
                let opened = open_ranges.iter().any(|r| r.allows(addr));
                if !allow_private && !opened && !is_public(addr.ip()) {
                    refused = Some(addr.ip());
                    continue;
                }
                match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
                    Ok(Ok(stream)) => {
                        let _ = stream.set_nodelay(true);
                        return Ok(Box::new(stream) as Box<dyn edge_runtime::OutboundIo>);
                    }
                    Ok(Err(e)) => failure = Some(format!("cannot connect to {addr}: {e}")),
                    Err(_) => failure = Some(format!("connecting to {addr} timed out")),
                }
            }
            if let Some(failure) = failure {
                return Err(ConnectError::Failed(failure));
            }
            match refused {
                Some(ip) => Err(ConnectError::Denied(format!(
                    "connection to {host} ({ip}) refused by the outbound policy: loopback, \
                     private and link-local addresses are not reachable unless the node's \
                     operator opens them"
                ))),
                None => Err(ConnectError::Failed(format!("{host} has no address"))),
            }
        })
    }
}

/// True for addresses on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16: cloud metadata services live here
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local, incl. fd00:ec2::254 (metadata)
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
        || (first == 0x0064 && ip.segments()[1] == 0xff9b)) // NAT64 of any IPv4 address
}

#[cfg(test)]
mod rule_tests {
    use super::{AddrRange, HostRule};

    #[test]
    fn address_ranges() {
        let r = AddrRange::parse("10.1.0.0/16").unwrap();
        assert!(r.contains("10.1.2.3".parse().unwrap()));
        assert!(r.contains("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!r.contains("10.2.0.1".parse().unwrap()));
        let one = AddrRange::parse("127.0.0.1").unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        let v6 = AddrRange::parse("fd00:1::/32").unwrap();
        assert!(v6.contains("fd00:1::5".parse().unwrap()));
        assert!(!v6.contains("fd00:2::5".parse().unwrap()));
        assert!(AddrRange::parse("10.0.0.0/33").is_none());
        assert!(AddrRange::parse("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
    }

    #[test]
    fn address_ranges_on_one_port() {
        let db = AddrRange::parse("127.0.0.1:5432").unwrap();
        assert!(db.allows("127.0.0.1:5432".parse().unwrap()));
        assert!(!db.allows("127.0.0.1:6379".parse().unwrap()));
        let subnet = AddrRange::parse("10.1.0.0/16:5432").unwrap();
        assert!(subnet.allows("10.1.9.9:5432".parse().unwrap()));
        assert!(!subnet.allows("10.2.0.1:5432".parse().unwrap()));
        let v6 = AddrRange::parse("[fd00:1::/64]:6379").unwrap();
        assert!(v6.allows("[fd00:1::7]:6379".parse().unwrap()));
        assert!(!v6.allows("[fd00:1::7]:6380".parse().unwrap()));
        let any_port = AddrRange::parse("[fd00:1::1]").unwrap();
        assert!(any_port.allows("[fd00:1::1]:1".parse().unwrap()));
        for bad in [
            "127.0.0.1:0",
            "127.0.0.1:99999",
            "[fd00::1]5432",
            "10.0.0.0/8:x",
        ] {
            assert!(AddrRange::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn host_rules_match_on_label_boundaries() {
        let exact = HostRule::parse("Example.com").unwrap();
        assert!(exact.matches("example.com", 443));
        assert!(exact.matches("EXAMPLE.com.", 80));
        assert!(!exact.matches("evil-example.com", 443));
        assert!(!exact.matches("a.example.com", 443));
        let wild = HostRule::parse("*.example.com").unwrap();
        assert!(wild.matches("api.example.com", 443));
        assert!(wild.matches("a.b.example.com", 443));
        assert!(!wild.matches("example.com", 443));
        assert!(!wild.matches("evilexample.com", 443));
        let port = HostRule::parse("api.example.com:8443").unwrap();
        assert!(port.matches("api.example.com", 8443));
        assert!(!port.matches("api.example.com", 443));
        assert!(HostRule::parse("bad host").is_none());
        assert!(HostRule::parse("*.").is_none());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_addresses() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["1.1.1.1", "8.8.8.8", "2606:4700::1111", "172.32.0.1"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn production_refuses_loopback() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let refused = NetPolicy::production().connect("localhost", port).await;
        assert!(matches!(refused, Err(ConnectError::Denied(_))));
        let allowed = NetPolicy::local_development()
            .connect("127.0.0.1", port)
            .await;
        assert!(allowed.is_ok());
    }
}
